"""Form validators for ID and mobile numbers, with messages a citizen understands."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from core.privacy.checks import id_number_problem, is_mobile, normalise_id_number, normalise_mobile

_ID_MESSAGES = {
    "format": _l("An ID number has 18 characters: 17 digits, then a digit or X."),
    "birth_date": _l("The birth date in this ID number (characters 7 to 14) is not a real date."),
    "check": _l("This ID number does not add up: check each digit against the card."),
}


class IdNumber:
    """A mainland resident ID number (GB 11643); the field's data is normalised (no spaces, upper-case X)."""

    def __call__(self, form, field):
        if not field.data:
            return
        problem = id_number_problem(field.data)
        if problem:
            raise ValidationError(str(_ID_MESSAGES[problem]))
        field.data = normalise_id_number(field.data)


class MobilePhone:
    """A mainland mobile number (11 digits from 13 to 19, +86 allowed); the field's data becomes the 11 digits."""

    def __call__(self, form, field):
        if not field.data:
            return
        if not is_mobile(field.data):
            raise ValidationError(str(_l("A mobile number has 11 digits and starts with 13 to 19.")))
        field.data = normalise_mobile(field.data)
