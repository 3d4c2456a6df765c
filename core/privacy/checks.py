"""Is it a real mainland ID number or mobile phone? Checked before anything is stored.

ID numbers follow GB 11643-1999 (citizen identification number): six digits
of region, eight of birth date, three of sequence and a check character by
ISO 7064 MOD 11-2. Mobile numbers are eleven digits starting 13-19 (the
numbering plan of the Ministry of Industry and Information Technology).
"""
from __future__ import annotations

import re
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
ID_NUMBER = re.compile(r"^[1-9]\d{16}[\dX]$", re.ASCII)
MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)


def normalise_id_number(value: str) -> str:
    """An ID number as stored: no spaces, a lower-case x made upper-case."""
    return re.sub(r"\s+", "", value or "").upper()


def id_check_character(first17: str) -> str:
    """The check character (0-9 or X) of the first 17 digits, by ISO 7064 MOD 11-2."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


def id_number_problem(value: str, *, today: date | None = None) -> str | None:
    """What is wrong with an 18-character ID number, in a word a form can show; None when it is valid.

    Returns "format" (not 17 digits and a digit or X), "birth_date" (no
    such date, before 1900 or in the future) or "check" (the check character
    does not match: a digit mistyped).
    """
    number = normalise_id_number(value)
    if not ID_NUMBER.match(number):
        return "format"
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "birth_date"
    if born.year < 1900 or born > (today or date.today()):
        return "birth_date"
    if id_check_character(number[:17]) != number[17]:
        return "check"
    return None


def normalise_mobile(value: str) -> str:
    """A mobile number as stored: digits only, without +86 or spaces and dashes."""
    digits = re.sub(r"[\s\-()]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def is_mobile(value: str) -> bool:
    return bool(MOBILE.match(normalise_mobile(value)))
