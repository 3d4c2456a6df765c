"""Rich text is cleaned against an allow-list before it is stored (nh3), and the author hears what went.

Bodies come from the editor, from a form typed without JavaScript, and from the
pages of old department sites imported on the command line. Old sites build
their text from `<div>` blocks; nh3 would drop those tags and run their text
together, so block containers outside the allow-list are first turned into
paragraph boundaries (`blocks_to_paragraphs`). Every path that stores a body
uses `clean_body`, so they keep and refuse the same things.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape, unescape
from html.parser import HTMLParser

import nh3

from core.text import strip_controls

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup", "blockquote",
    "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "caption", "hr", "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},  # a numbered list that continues another (the editor keeps it)
}
#: Block containers of old sites' HTML that are not kept: each one ends a paragraph and starts another.
PARAGRAPH_BLOCKS = {
    "div", "section", "article", "header", "footer", "main", "aside", "nav", "address", "center", "figure",
    "figcaption", "dl", "dt", "dd", "pre", "form", "fieldset", "details", "summary",
}
#: Headings outside the site's outline (h1 is the page's title) become the nearest kept level.
HEADINGS = {"h1": "h2", "h5": "h4", "h6": "h4"}
#: Kept blocks that may not sit inside a paragraph: an open paragraph is closed before them.
_KEPT_BLOCKS = {"p", "h2", "h3", "h4", "blockquote", "ul", "ol", "table", "hr"}
#: Content whose text is never shown (nh3 drops it whole).
_HIDDEN = {"script", "style", "template", "noscript", "iframe", "object", "title", "head"}
_VOID = {"br", "hr", "img", "wbr", "input", "meta", "link", "source", "area", "col", "embed", "param", "track"}


class _Paragraphs(HTMLParser):
    """Re-writes HTML so that text outside any kept block sits in paragraphs of its own."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.open: list[str] = []   # kept blocks open now, innermost last
        self.hidden = 0             # open script/style-like elements
        self.open_paragraph = False  # a paragraph this parser opened around loose text
        self.filled = False          # the innermost kept block has text since it opened or since its last break
        self.pending_break = False   # a dropped block ended inside a kept block: break before more text

    def _close(self) -> None:
        if self.open_paragraph:
            self.out.append("</p>")
            self.open_paragraph = False

    def _inline(self, text: str, *, content: bool = True, opens: bool = True) -> None:
        """Place inline markup or text; `content` says it shows something, `opens` that it may start a paragraph."""
        if not self.open and not self.hidden and not self.open_paragraph:
            if not opens:
                return
            self.out.append("<p>")
            self.open_paragraph = True
        if content and self.pending_break:
            self.out.append("<br>")
            self.pending_break = False
        self.out.append(text)
        self.filled = self.filled or content

    def _break(self) -> None:
        """A dropped block starts or ends: a new paragraph at the top, a line break inside a kept block."""
        if self.open and self.open[-1] == "p":
            self.out.append("</p>")  # as browsers do: a block closes an open paragraph
            self.open.pop()
            self.filled = False
        if not self.open:
            self._close()
        elif self.filled:
            self.pending_break = True
            self.filled = False

    def handle_starttag(self, tag, attrs):
        raw = self.get_starttag_text() or f"<{tag}>"
        if tag in HEADINGS:
            tag, raw = HEADINGS[tag], f"<{HEADINGS[tag]}>"
        if tag in PARAGRAPH_BLOCKS:
            self._break()
        elif tag in _HIDDEN:
            self.hidden += 1
            self.out.append(raw)
        elif tag in _KEPT_BLOCKS:
            if not self.open:
                self._close()
            if tag != "hr":
                self.open.append(tag)
                self.filled = self.pending_break = False
            self.out.append(raw)
        elif tag in _VOID and tag != "img":
            if self.open or self.open_paragraph:
                self.out.append(raw)  # a line break between blocks separates nothing: dropped
        else:
            self._inline(raw, content=tag == "img")  # an inline element opens a paragraph; its text fills it

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        tag = HEADINGS.get(tag, tag)
        if tag in PARAGRAPH_BLOCKS:
            self._break()
        elif tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
            self.out.append(f"</{tag}>")
        elif tag in _KEPT_BLOCKS:
            if tag in self.open:
                while self.open:
                    closed = self.open.pop()
                    self.out.append(f"</{closed}>")
                    if closed == tag:
                        break
                self.filled, self.pending_break = True, False
        elif tag not in _VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if self.hidden:
            self.out.append(data)
        else:
            self._inline(data, content=bool(data.strip()), opens=bool(data.strip()))

    def handle_entityref(self, name):
        self._inline(f"&{name};", content=name != "nbsp", opens=name != "nbsp")

    def handle_charref(self, name):
        self._inline(f"&#{name};")

    def handle_comment(self, data):
        pass


def blocks_to_paragraphs(html: str) -> str:
    """Turn block containers the site does not keep (PARAGRAPH_BLOCKS) into paragraphs.

    Takes HTML, returns HTML in which no text is left outside a kept block
    (`<p>`, a heading, a list, a table, a quotation): `<div>一</div><div>二</div>`
    becomes `<p>一</p><p>二</p>`; inside a list item or a table cell a dropped
    block becomes a line break. Headings h1 and h5/h6 become h2 and h4. Tags are
    not checked here: `clean_html` applies the allow-list afterwards.
    """
    parser = _Paragraphs()
    parser.feed(html or "")
    parser.close()
    parser._close()
    parser.out.extend(f"</{tag}>" for tag in reversed(parser.open))
    return "".join(parser.out)


def clean_html(html: str) -> str:
    """Return `html` with its blocks made paragraphs and everything outside the allow-list removed."""
    return nh3.clean(
        blocks_to_paragraphs(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def text_to_html(text: str) -> str:
    """Plain text to HTML: every non-empty line becomes a paragraph, escaped."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "".join(f"<p>{escape(line)}</p>" for line in lines if line)


def plain_text(html: str) -> str:
    """The text of stored HTML as a reader sees it, with runs of white space made one space."""
    return " ".join(unescape(nh3.clean(html or "", tags=set())).split())


class _Blocks(HTMLParser):
    """The top-level blocks of stored HTML as [tag, text] (text outside any block has the tag "")."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[list[str]] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        if self.depth == 0:
            self.blocks.append([tag, ""])
        if tag not in _VOID:
            self.depth += 1

    def handle_startendtag(self, tag, attrs):
        if self.depth == 0:
            self.blocks.append([tag, ""])

    def handle_endtag(self, tag):
        if tag not in _VOID:
            self.depth = max(0, self.depth - 1)

    def handle_data(self, data):
        if self.depth == 0 or not self.blocks:
            self.blocks.append(["", data])
        else:
            self.blocks[-1][1] += data


def _squashed(text: str) -> str:
    """Text compared without its spacing: Chinese has none, and editors add or drop it freely."""
    return "".join(text.split())


def summary_opens_body(summary: str, body_html: str) -> bool:
    """Whether a reader of the body meets the summary's words first (a summary cut with "…" counts by what it keeps).

    An item whose summary is its first sentence would say it twice on its
    page; the page then shows the summary only in lists and its description.
    The body's opening is read three ways, any of which counts: its text from
    the top; its text after the headings it starts with (a title or a
    subtitle set as a heading); and its first paragraph, wherever that is.
    Spacing is not compared.
    """
    lead = _squashed(summary).rstrip("…").rstrip(".").strip()
    if not lead:
        return False
    parser = _Blocks()
    parser.feed(body_html or "")
    parser.close()
    blocks = [(tag, _squashed(text)) for tag, text in parser.blocks]
    after_headings = next((i for i, (tag, _) in enumerate(blocks) if tag not in ("h2", "h3", "h4")), len(blocks))
    openings = ("".join(text for _, text in blocks),
                "".join(text for _, text in blocks[after_headings:]),
                next((text for tag, text in blocks if tag == "p" and text), ""))
    return any(opening.startswith(lead) for opening in openings)


@dataclass
class CleanBody:
    """A body ready to store, and what cleaning took out of it (for the author: `<script>`, `onclick`, …)."""

    html: str
    removed: list[str] = field(default_factory=list)


def clean_body(raw: str) -> CleanBody:
    """Clean an article body from any source: the editor, a plain form, an imported page.

    Control characters go; text with no markup at all (typed without the
    editor) is made into one paragraph per line; HTML is cleaned by
    `clean_html`. Returns the HTML and the list of what was removed, in the
    words `removed_markup` uses; block containers that became paragraphs are
    not counted as removed.
    """
    body = strip_controls(raw or "")
    if body.strip() and not re.search(r"<[a-zA-Z/!]", body):
        body = text_to_html(body)
    cleaned = clean_html(body)
    return CleanBody(cleaned, removed_markup(body, cleaned))


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
    """What sanitising took out, in words an author understands: tags as `<script>`, attributes by name.

    Block containers made into paragraphs and headings moved to a kept level
    are reformatting, not removal, and are left out; their attributes (a
    `style`, an `onmouseover`) did go, and are listed.
    """
    before, after = _markup(original), _markup(cleaned)
    reformatted = PARAGRAPH_BLOCKS | set(HEADINGS)
    removed = [f"<{tag}>" for tag, n in sorted(before.tags.items())
               if tag not in reformatted and after.tags.get(tag, 0) < n]
    removed += [f"{attr}" for attr, n in sorted(before.attributes.items())
                if attr not in ("rel",) and after.attributes.get(attr, 0) < n]
    return removed

