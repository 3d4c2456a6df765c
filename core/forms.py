"""What the forms of every module share: options, the action and move buttons, and showing refusals.

WTForms' own messages ("This field is required.", "Not a valid choice.", …)
are read from the platform's catalogue (core/translations), like every other
string: WTForms' bundled Chinese leaves some untranslated and words others as
a programmer would ("无法转化类型"). `_wtforms_messages` lists them for
`pybabel extract`; a test fails when an installed WTForms has one it lacks.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from flask import abort
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DecimalField, FloatField, HiddenField, IntegerField, PasswordField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf
from wtforms.widgets import CheckboxInput, ListWidget

from core.text import strip_format_characters, text_problem


def choices(pairs: Iterable[tuple[str, object]]) -> list[SelectChoice]:
    """Options for a select, radio or checkbox list; labels may stay lazy (translated when drawn)."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def strip(value):
    """A field filter: surrounding spaces are not part of what was typed."""
    return value.strip() if isinstance(value, str) else value


class CatalogueTranslations:
    """WTForms' messages through the platform's catalogue, in the request's language.

    WTForms formats the message itself (``%(min)d``), so this only looks it up.
    """

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


def _typed_text(field) -> bool:
    """A field a person types text into (a line or a block), not a password or a hidden value."""
    return isinstance(field, (StringField, TextAreaField)) and not isinstance(field, (PasswordField, HiddenField))


class Form(FlaskForm):
    """Every form of the platform: a text field with a character no column can hold is an error under it.

    Checked after the field's own validators, for every text field the form
    has (login names and hidden values included), so a NUL or a direction
    override is a message, never a database error. Invisible format
    characters (zero-width spaces and joiners, the word joiner, the byte
    order mark: Unicode category Cf) are stripped from what is typed into a
    line or a block before any validator runs (core.text.strip_format_characters),
    so nothing invisible is stored and a required field holding only them is
    empty. WTForms' own messages come from the platform's catalogue
    (`CatalogueTranslations`).
    """

    class Meta:
        def get_translations(self, form):
            return CatalogueTranslations()

        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            if issubclass(field_class, (StringField, TextAreaField)) \
                    and not issubclass(field_class, (PasswordField, HiddenField)):
                filters = unbound_field.kwargs.get("filters") or ()
                options = {**options, "filters": (strip_format_characters, *filters)}
            return super().bind_field(form, unbound_field, options)

    def validate(self, extra_validators=None) -> bool:
        # A number not typed in the digits 0-9 ("١٢", "１２", "NaN", "sNaN", "Infinity", "1e3") is not read at all:
        # its validators see no number (a signalling NaN would even make a range check raise), and it gets one
        # message, in place of theirs.
        unreadable = [field for field in self if _unreadable_number(field)]
        for field in unreadable:
            field.data = None
        valid = super().validate(extra_validators)
        for field in unreadable:
            field.errors = [str(_l("Type the number in the digits 0 to 9."))]
            valid = False
        for field in self:
            if field in unreadable:
                continue
            if _typed_text(field) and field.flags.required and not field.errors and field.raw_data \
                    and field.raw_data[0] and not (field.data or "").strip():
                # Only invisible characters were typed: as empty as an empty field.
                field.errors = [*field.errors, str(_l("This field is required."))]
                valid = False
                continue
            values = field.data if isinstance(field.data, list) else [field.data]
            for value in values:
                problem = isinstance(value, str) and text_problem(value, multiline=isinstance(field, TextAreaField))
                if problem:
                    field.errors = [*field.errors, problem]
                    valid = False
                    break
        return valid


_ASCII_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?", re.ASCII)


def _unreadable_number(field) -> bool:
    """A number field that read a number from something other than ASCII digits (with a sign and a decimal point).

    What the field could not read at all ("十二") keeps the field's own message.
    """
    return isinstance(field, (IntegerField, DecimalField, FloatField)) and field.data is not None \
        and bool(field.raw_data) and bool(field.raw_data[0]) \
        and not _ASCII_NUMBER.fullmatch(str(field.raw_data[0]).strip())


def ascii_int(value) -> int:
    """`coerce` for a select of ids: ASCII digits only (int() would take "١" or "１" as 1).

    :raises ValueError: for anything else, which WTForms reports as an invalid choice.
    """
    if isinstance(value, int):
        return value
    if not isinstance(value, str) or not _ASCII_NUMBER.fullmatch(value) or "." in value:
        raise ValueError(value)
    return int(value)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ActionForm(Form):
    """A button that changes something: only the CSRF token is posted."""


class MoveForm(Form):
    """Move a row of an ordered list one place up or down."""

    direction = HiddenField(validators=[AnyOf(("up", "down"))])

    @property
    def step(self) -> int:
        return -1 if self.direction.data == "up" else 1


def submitted(form: FlaskForm) -> FlaskForm:
    """An action button's form: a POST without a valid one (CSRF, a known value) is a bad request.

    :raises werkzeug.exceptions.BadRequest: when the form does not validate.
    """
    if not form.validate_on_submit():
        abort(400)
    return form


def show_problems(form: FlaskForm, error, aliases: dict[str, str] | None = None) -> None:
    """Put each problem of an `OperationError` under its field; the rest goes above the form.

    `aliases` maps a problem's field name (or its prefix) to the form field that shows it; an exact
    name wins over a prefix, and a longer prefix over a shorter one.
    """
    aliases = aliases or {}
    for field, message in error.problems.items():
        name = aliases.get(field)
        if name is None:
            prefixes = sorted((p for p in aliases if p and field.startswith(p)), key=len, reverse=True)
            name = aliases[prefixes[0]] if prefixes else field
        target = form._fields.get(name) if name else None
        if target is None:
            form.form_errors.append(message)
        else:
            target.errors = [*target.errors, message]


def _wtforms_messages() -> list:
    """Every message WTForms and Flask-WTF's file validators show, marked for `pybabel extract` (never called
    to translate: `CatalogueTranslations` looks them up). Kept in step with WTForms by tests/test_forms.py."""

    def gettext(message):
        return message

    def ngettext(singular, plural, _n):
        return singular, plural

    return [
        gettext("Invalid field name '%s'."),
        gettext("Field must be equal to %(other_name)s."),
        ngettext("Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long.",
                 1),
        ngettext("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.",
                 1),
        ngettext("Field must be exactly %(max)d character long.", "Field must be exactly %(max)d characters long.", 1),
        gettext("Field must be between %(min)d and %(max)d characters long."),
        gettext("Number must be at least %(min)s."),
        gettext("Number must be at most %(max)s."),
        gettext("Number must be between %(min)s and %(max)s."),
        gettext("Date must be at least %(min)s."),
        gettext("Date must be at most %(max)s."),
        gettext("Date must be between %(min)s and %(max)s."),
        gettext("This field is required."),
        gettext("Invalid input."),
        gettext("Invalid email address."),
        gettext("Invalid IP address."),
        gettext("Invalid Mac address."),
        gettext("Invalid URL."),
        gettext("Invalid UUID."),
        gettext("Invalid value, must be one of: %(values)s."),
        gettext("Invalid value, can't be any of: %(values)s."),
        gettext("This field cannot be edited."),
        gettext("This field is disabled and cannot have a value."),
        gettext("Invalid CSRF Token."),
        gettext("CSRF token missing."),
        gettext("CSRF failed."),
        gettext("CSRF token expired."),
        gettext("Invalid Choice: could not coerce."),
        gettext("Choices cannot be None."),
        gettext("Not a valid choice."),
        gettext("Invalid choice(s): one or more data inputs could not be coerced."),
        ngettext("'%(value)s' is not a valid choice for this field.",
                 "'%(value)s' are not valid choices for this field.", 1),
        gettext("Not a valid datetime value."),
        gettext("Not a valid date value."),
        gettext("Not a valid time value."),
        gettext("Not a valid week value."),
        gettext("Not a valid integer value."),
        gettext("Not a valid decimal value."),
        gettext("Not a valid float value."),
        # Flask-WTF's file validators
        gettext("File does not have an approved extension: {extensions}"),
        gettext("File does not have an approved extension."),
    ]
