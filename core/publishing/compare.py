"""Comparing two versions of an article as an editor reads them, not as a programmer would.

Each changed field is named as the form names it; the body is shown as text,
one paragraph a line, without tags; a changed line marks what was taken out
and put in within it (<del>/<ins>), character by character in Chinese and word
by word in Latin script; the attachment list says which files were added,
removed or re-described. Everything an author wrote is escaped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from html.parser import HTMLParser

from flask_babel import gettext as _
from markupsafe import Markup, escape

from core.content.filing import FILING_FIELDS, filing_label
from core.content.labels import policy_level_label, policy_status_label
from core.publishing.forms import FIELD_LABELS
from core.publishing.queries import TEXT_FIELDS

#: Unchanged lines kept around a change; longer runs are folded into one line that says how many.
CONTEXT = 1
#: Below this likeness, two lines are shown as one removed and one added, not as a marked-up change.
LIKENESS = 0.35
#: Latin words and numbers are compared whole; every other character (Chinese) on its own.
_TOKENS = re.compile(r"[A-Za-z0-9_]+|\s+|.", re.S)
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "tr", "caption", "table", "ul", "ol", "div",
           "hr"}


@dataclass
class Line:
    kind: str  # same, changed, added, removed, folded
    html: Markup


@dataclass
class FieldChange:
    name: str
    label: str
    lines: list[Line]


@dataclass
class FileChange:
    kind: str  # added, removed, changed
    filename: str
    size: int
    detail: str = ""


@dataclass
class Comparison:
    fields: list[FieldChange] = field(default_factory=list)
    files: list[FileChange] = field(default_factory=list)
    #: False when one side is a revision from before revisions kept their files.
    files_known: bool = True

    @property
    def empty(self) -> bool:
        return not self.fields and not self.files


class _Text(HTMLParser):
    """Body HTML as the lines a reader sees: one per paragraph, heading, list item or table row."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.href: list[str | None] = []

    def _break(self):
        text = re.sub(r"\s+", " ", "".join(self.current)).strip()
        if text:
            self.lines.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in _BLOCKS:
            self._break()
        elif tag == "br":
            self._break()
        elif tag in ("td", "th") and self.current:
            self.current.append(" | ")
        elif tag == "img":
            self.current.append(_("[image: %(alt)s]", alt=attributes.get("alt") or "—"))
        if tag == "a":
            self.href.append(attributes.get("href"))

    def handle_endtag(self, tag):
        if tag == "a" and self.href:
            href = self.href.pop()
            if href:
                self.current.append(f" ({href})")
        if tag in _BLOCKS:
            self._break()

    def handle_data(self, data):
        self.current.append(data)

    def close(self):
        super().close()
        self._break()


def body_lines(html: str | None) -> list[str]:
    """The text of an article body, one paragraph a line, no tags."""
    parser = _Text()
    parser.feed(html or "")
    parser.close()
    return parser.lines


def _value_lines(name: str, value) -> list[str]:
    if value in (None, ""):
        return []
    if name == "body_html":
        return body_lines(value)
    if name == "policy_level":
        return [policy_level_label(value) or str(value)]
    if name == "policy_status":
        return [policy_status_label(value) or str(value)]
    if name in FILING_FIELDS:
        return [filing_label(name, value)]
    return [line for line in str(value).splitlines() if line.strip()]


def _marked(tag: str, text: str, said: str) -> Markup:
    return Markup('<{tag}><span class="visually-hidden">{said}</span>{text}</{tag}>').format(
        tag=Markup(tag), said=said, text=text)


def inline_diff(old: str, new: str) -> Markup:
    """One line changed into another, with what was taken out in <del> and what was put in in <ins>."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    out = Markup()
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out += escape("".join(a[i1:i2]))
            continue
        if i2 > i1:
            out += _marked("del", "".join(a[i1:i2]), _("removed:"))
        if j2 > j1:
            out += _marked("ins", "".join(b[j1:j2]), _("added:"))
    return out


def _likeness(old: str, new: str) -> float:
    return SequenceMatcher(None, _TOKENS.findall(old), _TOKENS.findall(new), autojunk=False).ratio()


def line_diff(old: list[str], new: list[str]) -> list[Line]:
    """The lines of the new version against the old, unchanged runs folded beyond CONTEXT lines."""
    lines: list[Line] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            lines += [Line("same", escape(text)) for text in old[i1:i2]]
            continue
        removed, added = old[i1:i2], new[j1:j2]
        for k in range(max(len(removed), len(added))):
            before = removed[k] if k < len(removed) else None
            after = added[k] if k < len(added) else None
            if before is not None and after is not None and _likeness(before, after) >= LIKENESS:
                lines.append(Line("changed", inline_diff(before, after)))
                continue
            if before is not None:
                lines.append(Line("removed", _marked("del", before, _("removed:"))))
            if after is not None:
                lines.append(Line("added", _marked("ins", after, _("added:"))))
    return _fold(lines)


def _fold(lines: list[Line]) -> list[Line]:
    near = set()
    for i, line in enumerate(lines):
        if line.kind != "same":
            near.update(range(i - CONTEXT, i + CONTEXT + 1))
    folded: list[Line] = []
    run = 0
    for i, line in enumerate(lines):
        if line.kind == "same" and i not in near:
            run += 1
            continue
        if run:
            folded.append(Line("folded", escape(_("… %(n)s unchanged paragraphs …", n=run))))
            run = 0
        folded.append(line)
    if run:
        folded.append(Line("folded", escape(_("… %(n)s unchanged paragraphs …", n=run))))
    return folded


def _file_changes(old: list[dict], new: list[dict]) -> list[FileChange]:
    before = {entry["stored_name"]: entry for entry in old}
    after = {entry["stored_name"]: entry for entry in new}
    changes = [FileChange("removed", e["filename"], e["size"]) for name, e in before.items() if name not in after]
    changes += [FileChange("added", e["filename"], e["size"], e.get("alt_text") or "")
                for name, e in after.items() if name not in before]
    for name, e in after.items():
        was = before.get(name)
        if was is None:
            continue
        if was["filename"] != e["filename"]:
            changes.append(FileChange("changed", e["filename"], e["size"],
                                      _("renamed from %(name)s", name=was["filename"])))
        if (was.get("alt_text") or "") != (e.get("alt_text") or ""):
            changes.append(FileChange("changed", e["filename"], e["size"],
                                      _("description: %(old)s → %(new)s", old=was.get("alt_text") or "—",
                                        new=e.get("alt_text") or "—")))
    return changes


def compare(old: dict, new: dict) -> Comparison:
    """What changed from one version (a revision's data, or the live text) to another."""
    result = Comparison()
    for name in TEXT_FIELDS:
        if (old.get(name) or None) == (new.get(name) or None):
            continue
        lines = line_diff(_value_lines(name, old.get(name)), _value_lines(name, new.get(name)))
        if all(line.kind in ("same", "folded") for line in lines):
            lines = [Line("folded", escape(_("Only the formatting changed (emphasis, links, headings or lists).")))]
        if lines:
            result.fields.append(FieldChange(name, str(FIELD_LABELS[name]), lines))
    if "attachments" in old and "attachments" in new:
        result.files = _file_changes(old["attachments"], new["attachments"])
    elif "attachments" in old or "attachments" in new:
        result.files_known = False
    return result
