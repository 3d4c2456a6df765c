"""Keeping an item's online application form: the department adds, changes, orders and removes its fields.

The form is part of the guide's working copy (`ServiceItem.application_fields`,
the definition `core.services.fields` reads): it goes through review with the
rest of the guide, so the public keeps filing the approved form until a
reviewer approves the new one. Editors never write the definition by hand:
they fill in a field's label, type and limits, and these operations write the
entry and check the whole form again with `parse_fields`, so a form the public
is offered is always one the platform can check.

A field's key names its answers in every application filed with it; it is
made once, at random, and never reused, so an answer sent with a field that
was later removed is never shown under another field's label.
"""
from __future__ import annotations

import json
import secrets
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l

from core.audit.log import record
from core.auth.models import User
from core.extensions import db
from core.operations import audited, read_only
from core.services.fields import FILE_TYPES, MAX_TEXT, TEXT_LIMITS, FieldDefinitionError, parse_fields
from core.services.guide import working_fields
from core.services.guides import GuideError, _check_editable, _target
from core.services.models import FIELD_TYPES, ServiceItem
from core.text import text_problem

#: What each setting of a field may hold, in characters.
LIMITS = {"label": 200, "label_en": 200, "help": 500, "help_en": 500}
#: The file types a new file field takes unless the editor ticks others: scans of paper documents.
SCANS = ("pdf", "jpg", "jpeg", "png")
#: The most options a choice offers.
MAX_CHOICES = 50


def _mb_limit() -> float:
    return current_app.config["MAX_ATTACHMENT_BYTES"] / 1048576


def _entry(values: dict, key: str, problems: dict, previous: dict | None = None) -> dict:
    """One field's stored definition from the editor's values; the problems, per form field, into `problems`.

    Settings that do not belong to the chosen type (a size limit for a number) are dropped, not refused. An
    option kept from `previous` (by its label) keeps its stored value and English label, so the answers
    already given with it still read as that option.
    """
    entry: dict = {"key": key}
    for name, limit in LIMITS.items():
        value = (values.get(name) or "").strip()
        problem = text_problem(value, multiline=name.startswith("help"), max_length=limit)
        if problem:
            problems[name] = problem
        if value:
            entry[name] = value
    if not entry.get("label") and "label" not in problems:
        problems["label"] = str(_l("Give the field a label, as the applicant will read it."))
    kind = values.get("type")
    if kind not in FIELD_TYPES:
        problems["type"] = str(_l("Choose the kind of answer."))
        return entry
    entry["type"] = kind
    if values.get("required"):
        entry["required"] = True
    if kind in TEXT_LIMITS and values.get("max_length") is not None:
        length = values["max_length"]
        if isinstance(length, bool) or not isinstance(length, int) or not 1 <= length <= MAX_TEXT:
            problems["max_length"] = str(_l("A whole number of characters from 1 to %(n)s.", n=MAX_TEXT))
        else:
            entry["max_length"] = length
    if kind == "number":
        low, high = values.get("minimum"), values.get("maximum")
        if low is not None and high is not None and low > high:
            problems["maximum"] = str(_l("The largest number cannot be below the smallest."))
        for name, value in (("min", low), ("max", high)):
            if value is not None:
                entry[name] = _plain(value)
    if kind == "choice":
        options = [line.strip() for line in (values.get("choices") or "").splitlines() if line.strip()]
        problem = next((text_problem(o, max_length=LIMITS["label"]) for o in options
                        if text_problem(o, max_length=LIMITS["label"])), None)
        repeated = sorted({o for o in options if options.count(o) > 1})
        if not options:
            problems["options"] = str(_l("List the options, one per line."))
        elif len(options) > MAX_CHOICES:
            problems["options"] = str(_l("At most %(n)s options.", n=MAX_CHOICES))
        elif problem:
            problems["options"] = problem
        elif repeated:
            problems["options"] = str(_l("Each option once: %(options)s is listed twice.",
                                         options="、".join(repeated)))
        else:
            kept = {o.get("label"): o for o in (previous or {}).get("choices", []) if isinstance(o, dict)}
            entry["choices"] = [kept.get(o, o) for o in options]
    if kind == "file":
        extensions = [e for e in (values.get("extensions") or []) if e in FILE_TYPES]
        if not extensions:
            problems["extensions"] = str(_l("Tick the file types the applicant may send."))
        else:
            entry["extensions"] = extensions
        size = values.get("max_mb")
        if size is not None:
            if not 0 < size <= Decimal(str(_mb_limit())):
                problems["max_mb"] = str(_l("A size in MB above 0 and at most %(n)s.", n=_plain(_mb_limit())))
            else:
                entry["max_mb"] = float(size)
    return entry


def _plain(number) -> int | float:
    """A number as JSON keeps it: a whole number as an integer."""
    value = Decimal(str(number))
    return int(value) if value == value.to_integral() else float(value)


def _save(item: ServiceItem, fields: list[dict]) -> None:
    """Check the whole form again and store it. :raises GuideError: what `parse_fields` refuses (a bug guard)."""
    try:
        parse_fields(fields)
    except FieldDefinitionError as error:
        raise GuideError(error.message) from None
    item.application_fields = json.dumps(fields, ensure_ascii=False)


def _new_key(fields: list[dict]) -> str:
    taken = {f.get("key") for f in fields if isinstance(f, dict)}
    while True:
        key = "f" + secrets.token_hex(4)
        if key not in taken:
            return key


@read_only
def field_index(item: ServiceItem, key: str) -> int | None:
    """The place (from 0) of the field with this key in the working copy's form; None when it has none."""
    return next((i for i, f in enumerate(working_fields(item)) if isinstance(f, dict) and f.get("key") == key),
                None)


@audited
def add_application_field(item: ServiceItem, *, actor: User, values: dict) -> str:
    """Add a field at the end of the item's application form; return its key.

    `values`: label, label_en, type (one of FIELD_TYPES), required, help, help_en, and for the type:
    max_length (characters), minimum / maximum (Decimal), choices (text, one option per line),
    extensions (list of FILE_TYPES), max_mb (Decimal, at most the platform's attachment limit).

    :raises GuideForbidden: without content.edit.
    :raises GuideError: per setting, as the editor's form names them; or while the guide waits for review.
    """
    _check_editable(item, actor)
    fields = working_fields(item)
    problems: dict = {}
    entry = _entry(values, _new_key(fields), problems)
    if problems:
        raise GuideError(problems)
    _save(item, [*fields, entry])
    record("service.field_add", _target(item), name=item.name, field=entry["label"])
    db.session.flush()
    return entry["key"]


@audited
def update_application_field(item: ServiceItem, key: str, *, actor: User, values: dict) -> bool:
    """Change a field of the form (its key stays); False when nothing changed.

    :raises GuideError: as `add_application_field`; "not found" for a key the form does not have.
    """
    _check_editable(item, actor)
    fields = working_fields(item)
    index = field_index(item, key)
    if index is None:
        raise GuideError(_l("The form has no such field any more."))
    problems: dict = {}
    entry = _entry(values, key, problems, previous=fields[index])
    if problems:
        raise GuideError(problems)
    if entry == fields[index]:
        return False
    fields[index] = entry
    _save(item, fields)
    record("service.field_update", _target(item), name=item.name, field=entry["label"])
    db.session.flush()
    return True


@audited
def delete_application_field(item: ServiceItem, key: str, *, actor: User) -> None:
    """Take a field off the form. Applications already filed keep their answers to it.

    :raises GuideError: for a key the form does not have.
    """
    _check_editable(item, actor)
    fields = working_fields(item)
    index = field_index(item, key)
    if index is None:
        raise GuideError(_l("The form has no such field any more."))
    removed = fields.pop(index)
    _save(item, fields)
    record("service.field_delete", _target(item), name=item.name, field=removed.get("label", key))
    db.session.flush()


@audited
def move_application_field(item: ServiceItem, key: str, step: int, *, actor: User) -> bool:
    """Move a field one place (-1 up, +1 down); False at either end.

    :raises GuideError: for a key the form does not have.
    """
    _check_editable(item, actor)
    fields = working_fields(item)
    index = field_index(item, key)
    if index is None:
        raise GuideError(_l("The form has no such field any more."))
    other = index + step
    if step not in (-1, 1) or not 0 <= other < len(fields):
        return False
    fields[index], fields[other] = fields[other], fields[index]
    _save(item, fields)
    record("service.field_move", _target(item), name=item.name, field=fields[other].get("label", key),
           direction="up" if step < 0 else "down", position=other + 1)
    db.session.flush()
    return True


@read_only
def editor_values(entry: dict) -> dict:
    """A stored field as the editor's form shows it (the inverse of what the operations take)."""
    return {
        "label": entry.get("label", ""), "label_en": entry.get("label_en", ""), "type": entry.get("type", "text"),
        "required": bool(entry.get("required")), "help": entry.get("help", ""), "help_en": entry.get("help_en", ""),
        "max_length": entry.get("max_length"),
        "minimum": Decimal(str(entry["min"])) if entry.get("min") is not None else None,
        "maximum": Decimal(str(entry["max"])) if entry.get("max") is not None else None,
        "options": "\n".join(c if isinstance(c, str) else str(c.get("label", "")) for c in entry.get("choices", [])),
        # A file field without a list takes every type; any other kind starts from the usual scans.
        "extensions": list(entry.get("extensions") or (FILE_TYPES if entry.get("type") == "file" else SCANS)),
        "max_mb": Decimal(str(entry["max_mb"])) if entry.get("max_mb") is not None else None,
    }
