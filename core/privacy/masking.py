"""Showing personal information masked: the form officers' lists, exports and published letters use.

The patterns follow common practice of government service platforms (and GB/T
35273's de-identification examples): an ID number keeps its region's first four
digits and its last four, a mobile its first three and last four, a name its
family name.
"""
from __future__ import annotations

import re

from core.privacy.checks import id_check_character

#: In free text: an 18-character ID number, or a 15-digit old one, or an 11-digit mobile number.
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])", re.ASCII)
_OLD_ID_IN_TEXT = re.compile(r"(?<!\d)[1-9]\d{14}(?!\d)", re.ASCII)
#: A mobile number, with or without +86, its parts run together or apart: "13812345678", "138 1234 5678",
#: "+86-138-1234-5678", "(138)12345678", "138.1234.5678".
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?\(?(1[3-9]\d)\)?[\s.-]?(\d{4})[\s.-]?(\d{4})(?!\d)", re.ASCII)
#: A landline with its area code: 0316-2011234, (0316)2011234, 0316 2011234, 010-12345678.
_LANDLINE_IN_TEXT = re.compile(r"(?<![\d-])(?:\(\s*(0\d{2,3})\s*\)|(0\d{2,3}))[\s-]?(\d{7,8})(?![\d-])", re.ASCII)
#: An e-mail address, as people write one in a letter.
_EMAIL_IN_TEXT = re.compile(r"(?<![\w.+-])([\w.+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)", re.ASCII)


def mask_id_number(value: str | None) -> str:
    """`110101199003071234` → `1101**********1234`; anything shorter than 8 characters is all stars."""
    value = (value or "").strip()
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    """`13812345678` → `138****5678`; a shorter number keeps only its last two digits."""
    value = (value or "").strip()
    if len(value) >= 11:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return "*" * max(len(value) - 2, 0) + value[-2:]


def mask_name(value: str | None) -> str:
    """`张三丰` → `张**`; `Li Ming` → `L******`: the first character and a star for each other one."""
    value = (value or "").strip()
    return value[:1] + "*" * (len(value) - 1) if value else ""


def mask_email(value: str | None) -> str:
    """`zhangsan@example.com` → `z*******@example.com`."""
    value = (value or "").strip()
    local, at, domain = value.partition("@")
    return (mask_name(local) + at + domain) if at else mask_name(value)


def mask_personal_text(text: str | None) -> str:
    """Free text with every ID number and mobile number in it masked (a letter before publication, a log line).

    An 18-character run counts as an ID number only when its check character
    matches, so a long order or case number is left alone; mobile numbers are
    matched with or without +86 and separators.
    """
    def id_number(match: re.Match) -> str:
        whole = match.group(0)
        if id_check_character(whole[:17]) != whole[17].upper():
            return whole
        return mask_id_number(whole)

    text = _ID_IN_TEXT.sub(id_number, text or "")
    text = _OLD_ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), text)
    return _MOBILE_IN_TEXT.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


def mask_for_publication(text: str | None, names: tuple[str, ...] | list[str] = ()) -> str:
    """Free text as it may be published (a letter and its reply): personal details masked.

    Masks what `mask_personal_text` masks (ID numbers with a valid check
    character, old 15-digit ID numbers, mobile numbers), and also landline
    numbers written with their area code (`0316-2011234` → `0316-*****34`),
    e-mail addresses (`z*******@example.com`) and each of `names` (the
    writer's name, wherever it appears: `张三丰` → `张**`). Masking masked
    text changes nothing, so an officer's edited copy can be masked again.
    """
    text = mask_personal_text(text)

    def landline(match: re.Match) -> str:
        area = match.group(1) or match.group(2)
        number = match.group(3)
        return f"{area}-{'*' * (len(number) - 2)}{number[-2:]}"

    text = _LANDLINE_IN_TEXT.sub(landline, text)
    text = _EMAIL_IN_TEXT.sub(lambda m: mask_email(m.group(0)), text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return text


def init_app(app) -> None:
    app.add_template_filter(mask_id_number, "mask_id")
    app.add_template_filter(mask_phone, "mask_phone")
    app.add_template_filter(mask_name, "mask_name")
    app.add_template_filter(mask_email, "mask_email")
    app.add_template_filter(mask_personal_text, "mask_text")
