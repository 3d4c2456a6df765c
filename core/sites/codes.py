"""The unified social credit code (统一社会信用代码, GB 32100-2015): its 18 characters and its check character.

A department's code is the first part of the index numbers its site gives (索引号), so a mistyped one would
be printed on every disclosure item: the settings form refuses a code whose check character does not match.
"""
from __future__ import annotations

#: The code's alphabet: digits and the capitals without I, O, S, V and Z, each worth its position.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: The weight of each of the first 17 characters (3^i mod 31).
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(body: str) -> str:
    """The 18th character for the first 17 (GB 32100: 31 minus the weighted sum modulo 31).

    :raises ValueError: `body` is not 17 characters of the code's alphabet.
    """
    if len(body) != 17 or any(c not in ALPHABET for c in body):
        raise ValueError(body)
    total = sum(ALPHABET.index(c) * w for c, w in zip(body, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def is_credit_code(code: str) -> bool:
    """Whether `code` is 18 characters of the alphabet whose last is the check character of the others."""
    if len(code) != 18 or any(c not in ALPHABET for c in code):
        return False
    return check_character(code[:17]) == code[17]
