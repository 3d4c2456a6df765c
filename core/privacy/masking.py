"""Showing personal information masked: the form officers' lists, exports and published letters use.

The patterns follow common practice of government service platforms (and GB/T
35273's de-identification examples): an ID number keeps its region's first four
digits and its last four, a mobile its first three and last four, a name its
family name.
"""
from __future__ import annotations

import re
import unicodedata

#: Between the parts of a number as people write it: spaces, or one dash of any kind (ASCII, hyphen, non-breaking
#: hyphen, figure dash, en and em dash, horizontal bar, minus; full-width ones fold to these) with spaces around.
_SEP = r"(?:\s*[-\u2010-\u2015\u2212]\s*|\s+)"
_DOT_SEP = r"(?:\s*[-.\u2010-\u2015\u2212]\s*|\s+)"
#: In free text (after folding, see `_fold`): an ID-shaped run of 18 characters (17 digits and a digit or X,
#: whatever the check character), also written in 6-8-4 or 4-4-4-4-2 groups; a 15-digit old ID number;
#: a bank card's 16 to 19 digits.
_ID_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]"
    rf"|\d{{6}}{_SEP}\d{{8}}{_SEP}\d{{3}}[\dXx]"
    rf"|\d{{4}}{_SEP}\d{{4}}{_SEP}\d{{4}}{_SEP}\d{{4}}{_SEP}\d[\dXx])(?![0-9A-Za-z])", re.ASCII)
_OLD_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{15}(?![0-9A-Za-z])", re.ASCII)
_CARD_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{16,19}(?![0-9A-Za-z])", re.ASCII)
#: A mobile number, with or without +86, its parts run together or apart: "13812345678", "138 1234 5678",
#: "+86-138-1234-5678", "(138)12345678", "138.1234.5678", "138—1234—5678".
_MOBILE_IN_TEXT = re.compile(rf"(?<!\d)(?:\(?\+?86\)?{_SEP}?)?\(?(1[3-9]\d)\)?{_DOT_SEP}?(\d{{4}}){_DOT_SEP}?(\d{{4}})"
                             r"(?!\d)", re.ASCII)
#: A landline with its area code: 0316-2011234, (0316)2011234, 0316 201 1234, 010—12345678.
_LANDLINE_IN_TEXT = re.compile(rf"(?<![\d-])(?:\(\s*(0\d{{2,3}})\s*\)|(0\d{{2,3}})){_SEP}?(\d{{3,4}}{_SEP}?\d{{4}})"
                               r"(?![\d-])", re.ASCII)
#: A landline without its area code, where the words before it say it is one (电话 2011234, 座机：20112345).
_BARE_LANDLINE_IN_TEXT = re.compile(
    r"(?:电话|座机|固话|联系|手机|传真|热线|tel|phone)[^\d\n]{0,6}?"
    rf"(?<![\d-])(\d{{3,4}}{_SEP}?\d{{4}})(?![\d-])", re.IGNORECASE)
#: A QQ number (5 to 12 digits) after the word QQ.
_QQ_IN_TEXT = re.compile(r"qq[^\d\n]{0,6}?(?<!\d)(\d{5,12})(?!\d)", re.IGNORECASE)
#: An e-mail address, as people write one in a letter.
_EMAIL_IN_TEXT = re.compile(r"(?<![\w.+-])([\w.+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)", re.ASCII)


def _fold(text: str) -> tuple[str, list[int]]:
    """The text as patterns read it, and where each of its characters came from in `text`.

    Each character is folded with NFKC (full-width digits, letters, ＠ and
    －), other scripts' digits become ASCII digits, and format characters
    (Unicode category Cf: zero-width spaces and joiners, direction marks)
    are dropped, so "１３８\u200b1234 5678" reads as a mobile number.
    """
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if category == "Cf":
            continue
        if category == "Nd":
            piece = str(unicodedata.digit(char, 0))
        else:
            piece = unicodedata.normalize("NFKC", char)
        folded.append(piece)
        origin.extend([index] * len(piece))
    return "".join(folded), origin


def _substitute(pattern: re.Pattern, replace, text: str, group: int = 0) -> str:
    """Replace each match of `pattern` (its `group`) in the folded reading of `text`, in `text` itself; the rest
    of the text keeps its own characters (Chinese punctuation stays full-width)."""
    folded, origin = _fold(text)
    pieces: list[str] = []
    done = 0
    for match in pattern.finditer(folded):
        start, end = match.span(group)
        if end == start:
            continue
        first, last = origin[start], origin[end - 1]
        pieces.append(text[done:first])
        pieces.append(replace(match))
        done = last + 1
    pieces.append(text[done:])
    return "".join(pieces)


def _digits(value: str) -> str:
    return re.sub(r"[^0-9Xx]", "", value)


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
    """Free text with every ID number, bank card number and mobile number in it masked (a status page, a log line).

    Numbers are found in the text as folded by `_fold` (full-width and
    other scripts' digits, format characters between the digits), written
    together or in groups with spaces or any kind of dash. Every ID-shaped
    run of 18 characters is masked, whatever its check character (a wrong
    check digit is a typing error as often as an order number); 15-digit
    old ID numbers and 16-19-digit card numbers are masked too. Dates and
    document numbers (廊政〔2026〕8号) are left alone. The rest of the text
    keeps its own characters.
    """
    text = text or ""
    text = _substitute(_ID_IN_TEXT, lambda m: mask_id_number(_digits(m.group(0))), text)
    text = _substitute(_CARD_IN_TEXT, lambda m: mask_id_number(m.group(0)), text)
    text = _substitute(_OLD_ID_IN_TEXT, lambda m: mask_id_number(m.group(0)), text)
    return _substitute(_MOBILE_IN_TEXT, lambda m: f"{m.group(1)}****{m.group(3)}", text)


def _landline(match: re.Match) -> str:
    area = match.group(1) or match.group(2)
    number = _digits(match.group(3))
    return f"{area}-{'*' * (len(number) - 2)}{number[-2:]}"


def _keep_two(number: str) -> str:
    digits = _digits(number)
    return "*" * (len(digits) - 2) + digits[-2:]


def _name_pattern(name: str) -> re.Pattern | None:
    folded = "".join(c for c in _fold(name)[0] if not c.isspace())
    if len(folded) < 2:
        return None
    return re.compile(r"[\s·•.]*".join(re.escape(c) for c in folded), re.IGNORECASE)


def mask_for_publication(text: str | None, names: tuple[str, ...] | list[str] = ()) -> str:
    """Free text as it may be published (a letter and its reply): personal details masked.

    Format characters (Unicode category Cf: zero-width spaces and joiners,
    direction marks) are dropped from the text first: nothing hidden is
    published, and "张\u200d三丰" is the name it looks like. Then masks what
    `mask_personal_text` masks (any ID-shaped number, card numbers, mobile
    numbers however written), landline numbers with their area code
    (`0316-2011234` → `0316-*****34`) or without one where the words before
    say it is a phone (`电话：2011234` → `电话：*****34`), e-mail addresses
    (`z*******@example.com`) and each of `names` (the writer's name, wherever
    it appears, also full-width or spaced out: `张三丰` → `张**`). Names of
    other people and addresses follow no pattern: the officer who confirms
    the masked text must look for them. Masking masked text changes nothing,
    so an officer's edited copy can be masked again.
    """
    text = "".join(c for c in (text or "") if unicodedata.category(c) != "Cf")
    text = mask_personal_text(text)
    text = _substitute(_LANDLINE_IN_TEXT, _landline, text)
    text = _substitute(_BARE_LANDLINE_IN_TEXT, lambda m: _keep_two(m.group(1)), text, group=1)
    text = _substitute(_QQ_IN_TEXT, lambda m: _keep_two(m.group(1)), text, group=1)
    text = _substitute(_EMAIL_IN_TEXT, lambda m: mask_email(m.group(0)), text)
    patterns = [_name_pattern(n) for n in sorted({n.strip() for n in names if n and n.strip()}, key=len,
                                                 reverse=True)]
    for pattern in patterns:
        if pattern is not None:
            text = _substitute(pattern, lambda m: mask_name(_fold(m.group(0))[0].replace(" ", "")), text)
    return text


def init_app(app) -> None:
    app.add_template_filter(mask_id_number, "mask_id")
    app.add_template_filter(mask_phone, "mask_phone")
    app.add_template_filter(mask_name, "mask_name")
    app.add_template_filter(mask_email, "mask_email")
    app.add_template_filter(mask_personal_text, "mask_text")
