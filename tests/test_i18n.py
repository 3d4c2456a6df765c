"""Every user-facing string has its Chinese translation."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)s", text))


def _texts(value) -> list[str]:
    """A message's text, or each of its plural forms (ngettext)."""
    return list(value) if isinstance(value, (tuple, list)) else [value]


def test_every_message_in_the_code_is_translated_to_chinese(tmp_path):
    template = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run([str(pybabel), "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_pgettext:1c,2",
                    "-o", str(template), "--no-location", "."], check=True, cwd=ROOT, capture_output=True)
    with open(template, "rb") as fh:
        wanted = {(m.context, m.id) for m in read_po(fh) if m.id}
    with open(ROOT / "core/translations/zh/LC_MESSAGES/messages.po", "rb") as fh:
        catalog = {(m.context, m.id): m for m in read_po(fh) if m.id}
    missing = sorted((i for i in wanted if i not in catalog or not all(_texts(catalog[i].string))
                      or catalog[i].fuzzy), key=str)
    assert missing == []
    for key in wanted:
        for text in _texts(catalog[key].string):
            assert _placeholders(text) == _placeholders(_texts(key[1])[0]), key
