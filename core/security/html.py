"""Reading a published body as the checks need it: its links (and whether each is hidden), and its text.

A hidden link (暗链) is the classic attack on a government site: a link to a
gambling or advertising site, put into a page where visitors do not see it
but search engines do. It hides in an element styled out of sight
(``display:none``, ``visibility:hidden``, ``font-size:0``, ``opacity:0``, a
zero-sized box, a position or indent far off the screen) or marked ``hidden``.
The sanitiser (core.content.sanitize) keeps no ``style`` attribute, so such a
body never came through the editor: it was written into the database some
other way, which is why it is looked for here and not only refused at the door.

Two hiding places do pass the sanitiser, and are what an intruder with an
editor's password uses: a link that shows nothing (no text, only spaces or
invisible characters) and a link around an image too small to see (a width
or height of two pixels or less). Such a link is `Link.blank`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
         "wbr"}
#: Text inside these is never shown as text (a script's code is not a word on the page).
_NOT_TEXT = {"script", "style", "template", "noscript", "head", "title"}
#: Style declarations that put an element out of sight: (pattern, how it hides, as said on the finding).
HIDING_STYLES = (
    (re.compile(r"(^|;)\s*display\s*:\s*none\b"), "display:none"),
    (re.compile(r"(^|;)\s*visibility\s*:\s*(hidden|collapse)\b"), "visibility:hidden"),
    (re.compile(r"(^|;)\s*font-size\s*:\s*0*(\.0+)?\s*(px|pt|em|rem|%)?\s*(;|$|!)"), "font-size:0"),
    (re.compile(r"(^|;)\s*opacity\s*:\s*0*(\.0+)?\s*(;|$|!)"), "opacity:0"),
    (re.compile(r"(^|;)\s*(width|height|max-width|max-height)\s*:\s*0*(\.0+)?\s*(px|pt|em|rem|%)?\s*(;|$|!)"),
     "width/height:0"),
    (re.compile(r"(^|;)\s*(left|top|right|bottom|text-indent|margin-left|margin-top)\s*:\s*-\s*\d{3,}"),
     "off_screen"),
)
#: An image this many pixels wide or high, or less, shows nothing a visitor would notice (a "tracking pixel").
TINY_IMAGE = 2


@dataclass
class Link:
    """A link (``<a href>``) or an embedded resource (``<img src>``, ``<iframe src>``) of a body."""

    url: str
    text: str = ""
    tag: str = "a"
    #: How it is hidden from visitors ("display:none", …, "hidden_attribute"), or "" when it shows.
    hidden: str = ""
    #: For an ``<a>`` that shows nothing, why: "empty" (no visible text or picture) or "tiny_image"; "" otherwise.
    blank: str = ""
    _shows: bool = False
    _tiny: bool = False


@dataclass
class Scan:
    links: list[Link] = field(default_factory=list)
    #: The text as a reader sees it (hidden text included: it is published all the same), spaces made one.
    text: str = ""


def hiding(style: str) -> str:
    """How an inline style hides its element ("display:none", …), or "" when it does not."""
    declarations = unescape(style or "").lower()
    for pattern, how in HIDING_STYLES:
        if pattern.search(declarations):
            return how
    return ""


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scan = Scan()
        self.open: list[tuple[str, str]] = []  # (tag, how it hides or "") of the elements open now
        self.quiet = 0  # open script/style-like elements
        self.words: list[str] = []
        self.anchor: Link | None = None

    def _hidden(self) -> str:
        return next((how for _tag, how in reversed(self.open) if how), "")

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        how = hiding(values.get("style", "")) or ("hidden_attribute" if "hidden" in values else "")
        if tag == "area" and values.get("href"):  # an image map's region: as large as the picture it lies on
            self.scan.links.append(Link(values["href"].strip(), tag="a", hidden=how or self._hidden(), _shows=True))
        elif tag == "a" and values.get("href"):
            self._end_anchor()
            self.anchor = Link(values["href"].strip(), tag="a", hidden=how or self._hidden())
            self.scan.links.append(self.anchor)
        elif tag in ("img", "iframe", "embed", "frame", "script", "source") and values.get("src"):
            self.scan.links.append(Link(values["src"].strip(), tag=tag, hidden=how or self._hidden()))
        if tag == "img" and self.anchor is not None:  # a picture shows the link it is in, unless it is tiny
            if _tiny(values.get("width")) or _tiny(values.get("height")):
                self.anchor._tiny = True
            else:
                self.anchor._shows = True
        if tag in _NOT_TEXT:
            self.quiet += 1
        if tag not in _VOID:
            self.open.append((tag, how))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.open and self.open[-1][0] == tag:
            self.open.pop()

    def _end_anchor(self) -> None:
        """The open link ends: say whether it showed anything."""
        if self.anchor is not None and not self.anchor._shows:
            self.anchor.blank = "tiny_image" if self.anchor._tiny else "empty"
        self.anchor = None

    def handle_endtag(self, tag):
        if tag == "a":
            self._end_anchor()
        if tag in _NOT_TEXT:
            self.quiet = max(0, self.quiet - 1)
        if any(t == tag for t, _ in self.open):
            while self.open:
                if self.open.pop()[0] == tag:
                    break

    def handle_data(self, data):
        if self.quiet:
            return
        self.words.append(data)
        if self.anchor is not None:
            self.anchor.text = (self.anchor.text + data)[:200]
            if normalise_text(data):
                self.anchor._shows = True


def _tiny(size: str | None) -> bool:
    """Whether an image's width or height attribute ("1", "0px") is TINY_IMAGE pixels or less."""
    match = re.fullmatch(r"\s*(\d+)(\.\d*)?\s*(px)?\s*", size or "")
    return match is not None and int(match.group(1)) <= TINY_IMAGE


def scan_html(html: str) -> Scan:
    """The links and the text of `html` (a stored body), whatever its markup."""
    parser = _Scanner()
    parser.feed(html or "")
    parser.close()
    parser._end_anchor()
    parser.scan.text = normalise_text(" ".join(parser.words))
    for link in parser.scan.links:
        link.text = normalise_text(link.text)
    return parser.scan


def normalise_text(text: str) -> str:
    """Text as compared: invisible format characters (zero-width spaces, …) dropped, spacing made one space.

    A zero-width space put inside a word ("博\u200b彩") would otherwise hide it from the word lists.
    """
    text = "".join(c for c in text or "" if unicodedata.category(c) != "Cf")
    return " ".join(text.split())


def phrase_pattern(phrase: str) -> re.Pattern:
    """A word list's phrase as a pattern: its characters in order, spaces between them allowed, any case."""
    parts = [re.escape(c) for c in normalise_text(phrase).replace(" ", "")]
    return re.compile(r"\s*".join(parts), re.IGNORECASE)


def squeezed(text: str) -> str:
    """Text as a phrase is looked for in it: normalised, without any space, case folded. A phrase is in a text
    (`phrase_pattern`) exactly when its squeezed form is in the text's."""
    return "".join(normalise_text(text).split()).casefold()


class PhraseIndex:
    """Which of a list's phrases a text holds, quickly however long the list: each phrase is filed under its
    first character, and a text is asked only about the phrases that begin with one of its characters (a word
    list of 10,000 entries costs a few hundred lookups per text, not 10,000 searches).

    `entries` are objects with a ``phrase`` (core.security.words.Phrase); `in_text` returns those the text
    holds, in the list's order.
    """

    def __init__(self, entries):
        self.by_first: dict[str, list[tuple[int, str, object]]] = {}
        for position, entry in enumerate(entries):
            key = squeezed(entry.phrase)
            if key:
                self.by_first.setdefault(key[0], []).append((position, key, entry))

    def in_text(self, text: str) -> list:
        squeezed_text = squeezed(text)
        found = {position: entry for char in set(squeezed_text) for position, key, entry in self.by_first.get(char, ())
                 if key in squeezed_text}
        return [found[position] for position in sorted(found)]


def hits(text: str, phrase: str, *, around: int = 15, most: int = 5) -> list[str]:
    """The text around each place `phrase` occurs in `text` (at most `most`), with … where it was cut."""
    pattern = phrase_pattern(phrase)
    found = []
    for match in pattern.finditer(text):
        start, end = max(0, match.start() - around), min(len(text), match.end() + around)
        found.append(("…" if start else "") + text[start:end] + ("…" if end < len(text) else ""))
        if len(found) >= most:
            break
    return found
