"""What cleaning did to an author's text, in their words, and plain text made into paragraphs."""
from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: dict[str, int] = {}
        self.attributes: dict[str, int] = {}

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for name, value in attrs:
            key = name if not (value and re.match(r"\s*(javascript|data|vbscript):", value, re.I)) \
                else f"{name}={value.split(':', 1)[0].strip().lower()}:"
            self.attributes[key] = self.attributes.get(key, 0) + 1


def _markup(html: str) -> _Markup:
    parser = _Markup()
    parser.feed(html or "")
    parser.close()
    return parser


def removed_markup(original: str, cleaned: str) -> list[str]:
    """What sanitising took out, in words an author understands."""
    before, after = _markup(original), _markup(cleaned)
    removed = [f"<{tag}>" for tag, n in sorted(before.tags.items()) if after.tags.get(tag, 0) < n]
    removed += [f"{attr}" for attr, n in sorted(before.attributes.items())
                if attr not in ("rel",) and after.attributes.get(attr, 0) < n]
    return removed


def plain_text_to_html(text: str) -> str:
    """One paragraph per line of plain text, escaped."""
    return "".join(f"<p>{escape(line.strip())}</p>" for line in text.splitlines() if line.strip())
