"""What the forms of every module share: options, the action and move buttons, and showing refusals."""
from __future__ import annotations

from collections.abc import Iterable

from flask import abort
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf
from wtforms.widgets import CheckboxInput, ListWidget

from core.text import text_problem


def choices(pairs: Iterable[tuple[str, object]]) -> list[SelectChoice]:
    """Options for a select, radio or checkbox list; labels may stay lazy (translated when drawn)."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def strip(value):
    """A field filter: surrounding spaces are not part of what was typed."""
    return value.strip() if isinstance(value, str) else value


class Form(FlaskForm):
    """Every form of the platform: a text field with a character no column can hold is an error under it.

    Checked after the field's own validators, for every text field the form
    has (login names and hidden values included), so a NUL or a direction
    override is a message, never a database error.
    """

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            values = field.data if isinstance(field.data, list) else [field.data]
            for value in values:
                problem = isinstance(value, str) and text_problem(value, multiline=isinstance(field, TextAreaField))
                if problem:
                    field.errors = [*field.errors, problem]
                    valid = False
                    break
        return valid


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
