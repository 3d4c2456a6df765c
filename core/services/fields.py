"""An item's online application form: its field definition, checked, and the form built from it.

A service item that can be applied for online (`online_level == "online"`)
says which facts and materials the application needs, as a JSON list in
`ServiceItem.application_fields`; every applicant also gives the fixed facts
of `ApplicantForm` (name, ID number, mobile, e-mail), which the application
keeps in encrypted columns of its own. One entry per field::

    {"key": "employer", "type": "text", "label": "工作单位", "label_en": "Employer",
     "required": true, "help": "与劳动合同一致", "max_length": 100}
    {"key": "years", "type": "number", "label": "工作年限", "min": 0, "max": 60}
    {"key": "start", "type": "date", "label": "参加工作时间"}
    {"key": "level", "type": "choice", "label": "申报等级",
     "choices": ["初级", "中级", {"value": "senior", "label": "高级", "label_en": "Senior"}]}
    {"key": "agent_id", "type": "id_number", "label": "代理人身份证号码"}
    {"key": "diploma", "type": "file", "label": "学历证书", "required": true,
     "extensions": ["pdf", "jpg", "png"], "max_mb": 5}

`key` is the field's name in the stored answers (lower-case letters, digits
and _); `type` is one of FIELD_TYPES; a file field takes only the types it
lists (from FILE_TYPES, the default: all of them) up to `max_mb` (at most the
platform's MAX_ATTACHMENT_BYTES). `parse_fields` refuses a definition that
breaks any rule, saying which field and what is wrong, so a form the public
sees is always one the platform can check.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf.file import FileField
from wtforms import DecimalField, SelectField, StringField, TextAreaField
from wtforms.fields import DateField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from core.content.files import FILE_SIGNATURES, content_matches
from core.forms import Form, choices as make_choices, strip
from core.i18n import is_english
from core.operations import OperationError
from core.privacy.forms import IdNumber, MobilePhone
from core.services.models import FIELD_TYPES

#: File types an applicant may upload: documents and pictures, never archives or programs.
FILE_TYPES = ("pdf", "ofd", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx", "wps", "et")
#: The first bytes each file type starts with: a file whose content is not of its type is refused.
#: The content checks are the platform's (core.content.files), shared with letters and disclosure.
SIGNATURES = FILE_SIGNATURES
#: The largest file a field may take unless it says otherwise, in MB.
DEFAULT_MAX_MB = 10
MAX_FIELDS = 40
KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$", re.ASCII)
#: Names the fixed part of the form and the page use: an item's field may not take them.
RESERVED_KEYS = frozenset({"applicant_name", "id_number", "phone", "email", "declaration", "csrf_token", "submit",
                           "submission", "note", "code"})
#: Longest answer of a line and of a block of text, unless a field says less.
TEXT_LIMITS = {"text": 200, "textarea": 2000}
MAX_TEXT = 5000
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")

TYPE_LABELS = {
    "text": lazy_pgettext("field type", "Text on one line"), "textarea": lazy_pgettext("field type", "Longer text"),
    "number": lazy_pgettext("field type", "Number"), "date": lazy_pgettext("field type", "Date"),
    "choice": lazy_pgettext("field type", "Choice"), "id_number": lazy_pgettext("field type", "ID number"),
    "mobile": lazy_pgettext("field type", "Mobile number"), "email": lazy_pgettext("field type", "E-mail"),
    "file": lazy_pgettext("field type", "File"),
}


class FieldDefinitionError(OperationError):
    """An item's application form definition that breaks a rule; the message says which field and why."""


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    label_en: str = ""

    def shown(self) -> str:
        return (self.label_en if is_english() and self.label_en else self.label)


@dataclass(frozen=True)
class FieldSpec:
    """One field of an item's application form."""

    key: str
    type: str
    label: str
    label_en: str = ""
    required: bool = False
    help: str = ""
    help_en: str = ""
    max_length: int | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    choices: tuple[Choice, ...] = ()
    extensions: tuple[str, ...] = ()
    max_mb: float = DEFAULT_MAX_MB

    def shown_label(self) -> str:
        return self.label_en if is_english() and self.label_en else self.label

    def shown_help(self) -> str:
        return self.help_en if is_english() and self.help_en else self.help

    @property
    def max_bytes(self) -> int:
        return int(self.max_mb * 1024 * 1024)

    def choice_label(self, value: str) -> str:
        return next((c.shown() for c in self.choices if c.value == value), value)


def _problem(number: int, message) -> FieldDefinitionError:
    return FieldDefinitionError(str(_l("Field %(n)s: %(problem)s", n=number, problem=message)))


def _text(entry: dict, name: str, number: int, *, limit: int = 200, required: bool = False) -> str:
    value = entry.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _problem(number, _l("'%(name)s' must be text.", name=name))
    value = value.strip()
    if required and not value:
        raise _problem(number, _l("'%(name)s' is missing.", name=name))
    if len(value) > limit:
        raise _problem(number, _l("'%(name)s' is longer than %(n)s characters.", name=name, n=limit))
    if any(ord(c) < 0x20 for c in value):
        raise _problem(number, _l("'%(name)s' contains a control character.", name=name))
    return value


def _number(entry: dict, name: str, number: int) -> Decimal | None:
    value = entry.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _problem(number, _l("'%(name)s' must be a number.", name=name))
    try:
        parsed = Decimal(str(value))
    except ArithmeticError:
        raise _problem(number, _l("'%(name)s' must be a number.", name=name)) from None
    if not parsed.is_finite():
        raise _problem(number, _l("'%(name)s' must be a number.", name=name))
    return parsed


def _one(entry, number: int, seen: set[str]) -> FieldSpec:
    if not isinstance(entry, dict):
        raise _problem(number, _l("each field is an object with a key, a type and a label."))
    key = entry.get("key")
    if not isinstance(key, str) or not KEY.match(key):
        raise _problem(number, _l("the key must be lower-case letters, digits and _, starting with a letter, "
                                  "at most 50 characters."))
    if key in RESERVED_KEYS:
        raise _problem(number, _l("the key '%(key)s' is taken by the form itself; choose another.", key=key))
    if key in seen:
        raise _problem(number, _l("the key '%(key)s' is used twice.", key=key))
    kind = entry.get("type")
    if kind not in FIELD_TYPES:
        raise _problem(number, _l("the type must be one of: %(types)s.", types=", ".join(FIELD_TYPES)))
    required = entry.get("required", False)
    if not isinstance(required, bool):
        raise _problem(number, _l("'required' must be true or false."))
    spec = {"key": key, "type": kind, "required": required,
            "label": _text(entry, "label", number, required=True), "label_en": _text(entry, "label_en", number),
            "help": _text(entry, "help", number, limit=500), "help_en": _text(entry, "help_en", number, limit=500)}
    if kind in TEXT_LIMITS:
        limit = entry.get("max_length", TEXT_LIMITS[kind])
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_TEXT:
            raise _problem(number, _l("'max_length' must be a whole number from 1 to %(n)s.", n=MAX_TEXT))
        spec["max_length"] = limit
    if kind == "number":
        spec["minimum"], spec["maximum"] = _number(entry, "min", number), _number(entry, "max", number)
        if spec["minimum"] is not None and spec["maximum"] is not None and spec["minimum"] > spec["maximum"]:
            raise _problem(number, _l("'min' is larger than 'max'."))
    if kind == "choice":
        options = entry.get("choices")
        if not isinstance(options, list) or not options or len(options) > 50:
            raise _problem(number, _l("a choice needs a list of 1 to 50 options."))
        parsed, values = [], set()
        for option in options:
            if isinstance(option, str):
                option = {"value": option, "label": option}
            if not isinstance(option, dict):
                raise _problem(number, _l("each option is text, or an object with a value and a label."))
            label = _text(option, "label", number, required=True)
            value = _text(option, "value", number) or label
            if value in values:
                raise _problem(number, _l("the option '%(value)s' is listed twice.", value=value))
            values.add(value)
            parsed.append(Choice(value, label, _text(option, "label_en", number)))
        spec["choices"] = tuple(parsed)
    if kind == "file":
        extensions = entry.get("extensions", list(FILE_TYPES))
        if not isinstance(extensions, list) or not extensions or not all(isinstance(e, str) for e in extensions):
            raise _problem(number, _l("'extensions' must be a list of file types."))
        extensions = [e.strip().lower().lstrip(".") for e in extensions]
        refused = [e for e in extensions if e not in FILE_TYPES]
        if refused:
            raise _problem(number, _l("these file types are not taken from applicants: %(types)s (allowed: "
                                      "%(allowed)s).", types=", ".join(refused), allowed=", ".join(FILE_TYPES)))
        spec["extensions"] = tuple(dict.fromkeys(extensions))
        limit_mb = current_app.config["MAX_ATTACHMENT_BYTES"] / 1048576
        max_mb = entry.get("max_mb", min(DEFAULT_MAX_MB, limit_mb))
        if isinstance(max_mb, bool) or not isinstance(max_mb, (int, float)) or not 0 < max_mb <= limit_mb:
            raise _problem(number, _l("'max_mb' must be a size in MB above 0 and at most %(n)s.", n=_mb(limit_mb)))
        spec["max_mb"] = float(max_mb)
    known = {"key", "type", "label", "label_en", "required", "help", "help_en", "max_length", "min", "max",
             "choices", "extensions", "max_mb"}
    unknown = sorted(set(entry) - known)
    if unknown:
        raise _problem(number, _l("unknown settings: %(names)s.", names=", ".join(map(str, unknown))))
    seen.add(key)
    return FieldSpec(**spec)


def parse_fields(raw) -> list[FieldSpec]:
    """The fields of a definition (JSON text or an already-parsed list), checked.

    :raises FieldDefinitionError: naming the field (by its place, from 1) and what is wrong with it.
    """
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise FieldDefinitionError(_l("The form definition is not valid JSON.")) from None
    if not isinstance(raw, list):
        raise FieldDefinitionError(_l("The form definition must be a list of fields."))
    if len(raw) > MAX_FIELDS:
        raise FieldDefinitionError(_l("A form has at most %(n)s fields.", n=MAX_FIELDS))
    seen: set[str] = set()
    return [_one(entry, number, seen) for number, entry in enumerate(raw, start=1)]


# --- files -------------------------------------------------------------------------------------

def extension_of(filename: str) -> str:
    name = (filename or "").strip()
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def file_problem(spec: FieldSpec, filename: str, data: bytes) -> str | None:
    """Why a file cannot be taken for this field, in words for the applicant; None when it can."""
    name = (filename or "").strip()
    extension = extension_of(name)
    allowed = spec.extensions or FILE_TYPES
    if not name or "/" in name or "\\" in name or any(ord(c) < 0x20 or 0x202A <= ord(c) <= 0x202E
                                                        or 0x2066 <= ord(c) <= 0x2069 for c in name):
        return str(_l("The file has no usable name; rename it and choose it again."))
    if len(name) > 255:
        return str(_l("The file's name is longer than 255 characters; rename it and choose it again."))
    if extension not in allowed:
        return str(_l("Files of type '%(ext)s' are not taken here; choose a file of type %(allowed)s.",
                      ext=extension or "?", allowed=", ".join(allowed)))
    if len(data) > spec.max_bytes:
        return str(_l("'%(name)s' is %(size)s MB; this material may be at most %(limit)s MB.", name=name,
                      size=round(len(data) / 1048576, 1), limit=_mb(spec.max_mb)))
    if not data:
        return str(_l("'%(name)s' is empty; choose the file again.", name=name))
    if not content_matches(extension, data):
        return str(_l("'%(name)s' is not a real %(ext)s file (its content is of another kind); save it again as "
                      "%(ext)s, or scan it to PDF.", name=name, ext=extension.upper()))
    return None


def _mb(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(round(value, 1))


def file_hint(spec: FieldSpec) -> str:
    return str(_l("%(types)s, at most %(mb)s MB.", types=", ".join(e.upper() for e in (spec.extensions or FILE_TYPES)),
                  mb=_mb(spec.max_mb)))


class FileRules:
    """The checks of one file field: required, type, size, content; the file read once into `field.upload`."""

    def __init__(self, spec: FieldSpec, *, keep_when_empty: bool = False):
        self.spec = spec
        self.keep_when_empty = keep_when_empty

    def __call__(self, form, field):
        from core.content.files import Upload

        field.upload = None
        storage = field.data
        if not storage or not getattr(storage, "filename", ""):
            if self.spec.required and not self.keep_when_empty:
                raise ValidationError(str(_l("Choose the file to upload.")))
            return
        data = storage.read()
        problem = file_problem(self.spec, storage.filename, data)
        if problem:
            raise ValidationError(problem)
        field.upload = Upload(storage.filename.strip(), data, storage.mimetype)


class InRange(NumberRange):
    """NumberRange, silent when the field has no number (its own error already says it is not one)."""

    def __call__(self, form, field):
        if field.data is not None:
            super().__call__(form, field)


class EmailAddress:
    def __call__(self, form, field):
        if field.data and (len(field.data) > 254 or not EMAIL.match(field.data)):
            raise ValidationError(str(_l("Give an e-mail address like name@example.com.")))


# --- the form ----------------------------------------------------------------------------------

#: Answers that are personal information: never shown back on a public page (a correction leaves them empty,
#: and an empty one keeps what was sent), masked for anyone but the site's service officers.
SENSITIVE_TYPES = ("id_number", "mobile", "email")
#: What a correction may leave empty to keep what was sent.
KEPT_WHEN_EMPTY = ("file", *SENSITIVE_TYPES)


def _validators(spec: FieldSpec, *, resubmission: bool = False) -> list:
    if spec.type == "file":
        return [FileRules(spec, keep_when_empty=resubmission)]
    required = spec.required and not (resubmission and spec.type in SENSITIVE_TYPES)
    needed = [InputRequired(_l("Fill this in.")) if spec.type == "number" else DataRequired(_l("Fill this in."))] \
        if required else [Optional()]
    if spec.type == "choice" and spec.required:
        needed = [DataRequired(_l("Choose one."))]
    if spec.max_length:
        needed.append(Length(max=spec.max_length))
    if spec.type == "number" and (spec.minimum is not None or spec.maximum is not None):
        needed.append(InRange(min=spec.minimum, max=spec.maximum))
    if spec.type == "id_number":
        needed.append(IdNumber())
    if spec.type == "mobile":
        needed.append(MobilePhone())
    if spec.type == "email":
        needed.append(EmailAddress())
    return needed


def _field(spec: FieldSpec, *, resubmission: bool = False):
    label, description = spec.shown_label(), spec.shown_help()
    keep = str(_l("Leave it empty to keep the file you sent.") if spec.type == "file"
               else _l("Leave it empty to keep what you sent."))
    if resubmission and spec.type in SENSITIVE_TYPES:
        description = _sentences(description, keep)
    validators = _validators(spec, resubmission=resubmission)
    kw = {"label": label, "description": description, "validators": validators}
    if spec.type in ("text", "id_number", "mobile", "email"):
        render = {"text": {}, "id_number": {"autocomplete": "off", "maxlength": 18, "spellcheck": "false"},
                  "mobile": {"inputmode": "tel", "autocomplete": "tel"},
                  "email": {"inputmode": "email", "autocomplete": "email", "type": "email"}}[spec.type]
        if spec.max_length:
            render = {**render, "maxlength": spec.max_length}
        return StringField(filters=[strip], render_kw=render, **kw)
    if spec.type == "textarea":
        return TextAreaField(filters=[strip], render_kw={"rows": 5, "maxlength": spec.max_length}, **kw)
    if spec.type == "number":
        return DecimalField(places=None, render_kw={"inputmode": "decimal"}, **kw)
    if spec.type == "date":
        return DateField(**kw)
    if spec.type == "choice":
        options = [("", _l("— choose —"))] + [(c.value, c.shown()) for c in spec.choices]
        return SelectField(choices=make_choices(options), **kw)
    accept = ",".join(f".{e}" for e in (spec.extensions or FILE_TYPES))
    kw["description"] = _sentences(description, file_hint(spec), *([keep] if resubmission else []))
    return FileField(render_kw={"accept": accept}, **kw)


def _sentences(*parts: str) -> str:
    """Hints one after the other, each ended as a sentence of the reader's language ends."""
    english = is_english()
    ended = []
    for part in (p.strip() for p in parts if p and p.strip()):
        if not part.endswith(("。", "！", "？", ".", "!", "?", "；", ";")):
            part += "。" if not english or "\u4e00" <= part[-1] <= "\u9fff" else "."
        ended.append(part)
    return (" " if english else "").join(ended)


def build_form(specs: list[FieldSpec], base: type[Form], *, resubmission: bool = False) -> type[Form]:
    """A form class: `base`'s fields, then one per spec, under the name `f_<key>` (never clashing with base's)."""

    class ItemForm(base):
        pass

    for spec in specs:
        setattr(ItemForm, f"f_{spec.key}", _field(spec, resubmission=resubmission))
    # Fields the page draws after the item's (the declaration, a note): made again, so they also come after
    # them in the form's order, which the summary of problems follows.
    for name in getattr(base, "LAST", ()):
        unbound = getattr(base, name)
        setattr(ItemForm, name, unbound.field_class(*unbound.args, **unbound.kwargs))
    ItemForm.specs = specs
    return ItemForm


def item_fields(form: Form):
    """(spec, bound field) for each of the item's fields of a built form, in order."""
    return [(spec, form[f"f_{spec.key}"]) for spec in form.specs]


def answers_of(form: Form) -> dict[str, str]:
    """The item's answers from a validated form, as stored: text, a number or a date as text; files left out."""
    answers = {}
    for spec, bound in item_fields(form):
        if spec.type == "file":
            continue
        value = bound.data
        if value is None or value == "":
            continue
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = format(value.normalize(), "f") if value == value.to_integral() else str(value)
        answers[spec.key] = str(value)
    return answers


def uploads_of(form: Form) -> dict:
    """{key: Upload} of the files a validated form carries."""
    return {spec.key: bound.upload for spec, bound in item_fields(form)
            if spec.type == "file" and getattr(bound, "upload", None) is not None}


def fill_answers(form: Form, answers: dict[str, str]) -> None:
    """Put stored answers back into a built form (the resubmission form starts from what was sent)."""
    for spec, bound in item_fields(form):
        value = answers.get(spec.key)
        if value is None or spec.type in KEPT_WHEN_EMPTY:
            continue
        if spec.type == "date":
            try:
                bound.data = date.fromisoformat(value)
            except ValueError:
                continue
        elif spec.type == "number":
            try:
                bound.data = Decimal(value)
            except ArithmeticError:
                continue
        else:
            bound.data = value


def shown_answers(specs: list[FieldSpec], answers: dict[str, str]) -> list[tuple[FieldSpec, str]]:
    """(spec, the answer as a reader sees it) of each non-file field, in the form's order; unanswered as ''."""
    return [(spec, spec.choice_label(answers.get(spec.key, "")) if spec.type == "choice"
             else answers.get(spec.key, "")) for spec in specs if spec.type != "file"]

