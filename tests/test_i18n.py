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


def test_every_message_in_the_code_is_translated_to_chinese(tmp_path):
    template = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run([str(pybabel), "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_pgettext:1c,2",
                    "-o", str(template), "--no-location", "."], check=True, cwd=ROOT, capture_output=True)
    with open(template, "rb") as fh:
        wanted = {(m.context, m.id) for m in read_po(fh) if m.id}
    with open(ROOT / "core/translations/zh/LC_MESSAGES/messages.po", "rb") as fh:
        catalog = {(m.context, m.id): m for m in read_po(fh) if m.id}
    def untranslated(message) -> bool:
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        return not all(forms) or message.fuzzy

    missing = sorted(i for i in wanted if i not in catalog or untranslated(catalog[i]))
    assert missing == []
    for key in wanted:
        # A plural message (ngettext) has a tuple of forms: each translation keeps the plural's placeholders.
        forms = catalog[key].string if isinstance(catalog[key].string, tuple) else (catalog[key].string,)
        original = key[1][-1] if isinstance(key[1], tuple) else key[1]
        assert all(_placeholders(form) == _placeholders(original) for form in forms), key
