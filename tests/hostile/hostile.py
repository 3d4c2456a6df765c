"""Hostile input for the property-based tests: hypothesis profiles, strategies, raw request bodies, and what a request
changed (rows of every table, files under the upload folder).

Profiles (hypothesis settings):

- ``fast`` (the default suite): 30 examples per form or endpoint, derandomised so CI runs the same examples every
  time, no example database, no deadline (a request is a few milliseconds on a quiet machine, seconds on a busy one).
- ``long``: ``HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/hostile`` — 500 random examples each, for a
  deep run before a release or after a change to a form.

Values travel as raw bytes, percent-encoded in a query string or a url-encoded body and as they are in a multipart
body, so invalid UTF-8 reaches the app exactly as a hostile client sends it.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote_from_bytes

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.extensions import db

settings.register_profile("fast", max_examples=30, deadline=None, derandomize=True, database=None,
                          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
settings.register_profile("long", max_examples=500, deadline=None, database=None,
                          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
#: The profile of this run: ``HYPOTHESIS_PROFILE=long`` for a deep run.
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))

# --- values ------------------------------------------------------------------------------------------------------

#: Byte strings no UTF-8 decoder accepts: a lone continuation byte, bytes never valid, a truncated sequence, an
#: overlong slash, an encoded surrogate, a code point past U+10FFFF.
INVALID_UTF8 = [b"\xff", b"\xfe\xff", b"\x80abc", b"\xe4\xb8", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
                "王".encode() + b"\xc3\x28" + "小明".encode()]
#: Characters that look harmless or are not: controls, NUL, full-width forms, right-to-left text and overrides,
#: zero-width and format characters, combining marks, astral characters, line separators.
TRICKY = ("\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\x9b" "ＡＢＣ１２３＠．－　" "\u202e\u202d\u2066\u2067\u2069\u200f\u200e"
          "مرحبا שלום" "\u200b\u200d\ufeff\u00ad\u2060" "e\u0301\u0336" "😀𠀀\U0010fffd" "\u2028\u2029\r\n\t"
          "<>\"'&%;/\\")
#: Text where a number, a date, an id or a choice is expected.
WRONG_TYPES = ["abc", "-1", "0", "1e309", "NaN", "99999999999999999999999", "0x10", "１２", "2026-02-30",
               "2026-13-01", "31/12/2026", "true", "[]", "{}", "null", "%s", "' OR '1'='1", "../../etc/passwd",
               "😀"]

text_values = st.text(alphabet=st.sampled_from(TRICKY) | st.characters(codec="utf-8"), max_size=40)


def oversize(limit: int) -> st.SearchStrategy[str]:
    """Text past a field's limit (in characters): just past it, far past it."""
    return st.sampled_from([limit + 1, min(limit * 10 + 7, 30_000)]).map(lambda n: "字" * n)


def hostile_value(limit: int = 200) -> st.SearchStrategy[bytes]:
    """One hostile value of a text field, as bytes: tricky or random text, invalid UTF-8, oversize, a wrong type."""
    return st.one_of(
        text_values.map(str.encode),
        st.sampled_from(INVALID_UTF8),
        st.binary(max_size=24),
        oversize(limit).map(str.encode),
        st.sampled_from(WRONG_TYPES).map(str.encode),
    )


KEEP, DROP = "keep", "drop"


@st.composite
def mutations(draw, valid: dict[str, str], limits: dict[str, int] | None = None) -> list[tuple[str, bytes]]:
    """A form's fields as (name, value) pairs: the valid submission with a few fields changed.

    Each changed field is dropped, replaced by a hostile value, or sent twice (the valid value and a hostile one, in
    either order); an unknown field may be added. Unchanged fields keep their valid value, so a good share of
    examples are refused for one reason only, and some are accepted.
    """
    limits = limits or {}
    names = list(valid)
    chosen = draw(st.lists(st.sampled_from(names), max_size=3, unique=True)) if names else []
    pairs: list[tuple[str, bytes]] = []
    for name in names:
        value = valid[name].encode()
        if name not in chosen:
            pairs.append((name, value))
            continue
        how = draw(st.sampled_from(["drop", "replace", "twice", "twice-first"]))
        bad = draw(hostile_value(limits.get(name, 200)))
        if how == "replace":
            pairs.append((name, bad))
        elif how == "twice":
            pairs += [(name, value), (name, bad)]
        elif how == "twice-first":
            pairs += [(name, bad), (name, value)]
    if draw(st.booleans()) and draw(st.booleans()):
        pairs.append((draw(st.sampled_from(["id", "tenant_id", "status", "csrf_token", "__proto__", "\x00"])),
                      draw(hostile_value())))
    order = draw(st.permutations(range(len(pairs)))) if pairs else []
    return [pairs[i] for i in order]


# --- files -------------------------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 54 + b"PE\x00\x00"
HTML = b"<html><script>window.__xss=1</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


@dataclass(frozen=True)
class File:
    """One file part of a multipart body: its field, its name as raw bytes, its content, its declared type."""

    field: str
    name: bytes
    content: bytes
    content_type: str = "application/octet-stream"

    def __repr__(self) -> str:  # a failing example names its files without their megabytes
        return f"File({self.field!r}, {self.name!r}, <{len(self.content)} bytes {self.content[:12]!r}>)"


def file_parts(field_name: str, *, limit: int, valid: bool = True, many: bool = False) -> st.SearchStrategy:
    """The file parts sent for one file field: a valid PDF, none, an empty or oversize one, the wrong type by
    extension or by content, a name no file system should take, two files where one is asked (or many where many
    are taken)."""
    good = File(field_name, "申请材料.pdf".encode(), PDF, "application/pdf")
    bad = st.sampled_from([
        File(field_name, b"empty.pdf", b"", "application/pdf"),
        File(field_name, b"huge.pdf", PDF + b"0" * limit, "application/pdf"),  # one byte... and more past the limit
        File(field_name, b"setup.pdf", EXE, "application/pdf"),  # an extension the content belies
        File(field_name, b"setup.exe", PDF, "application/x-msdownload"),  # a type not taken, whatever it holds
        File(field_name, b"page.png", HTML, "image/png"),
        File(field_name, b"drawing.svg", SVG, "image/svg+xml"),
        File(field_name, b"page.html", HTML, "text/html"),
        File(field_name, b"../../../etc/passwd.pdf", PDF, "application/pdf"),
        File(field_name, b"..\\..\\boot.pdf", PDF, "application/pdf"),
        File(field_name, "invoice\u202efdp.exe".encode(), EXE, "application/pdf"),
        File(field_name, b"nul\x00.pdf", PDF, "application/pdf"),
        File(field_name, b"\xff\xfe.pdf", PDF, "application/pdf"),
        File(field_name, b"", PDF, "application/pdf"),
        File(field_name, ("长" * 300 + ".pdf").encode(), PDF, "application/pdf"),
        File(field_name, b"photo.png", PNG, "image/png"),
    ])
    options = [st.just([]), bad.map(lambda f: [f]), st.tuples(st.just(good), bad).map(list),
               st.lists(bad, min_size=2, max_size=3)]
    if valid:
        options.insert(0, st.just([good]))
    if many:
        options.append(st.just([good] * 6))
    return st.one_of(*options)


# --- bodies --------------------------------------------------------------------------------------------------------

def urlencoded(pairs: list[tuple[str, bytes]]) -> bytes:
    """An application/x-www-form-urlencoded body of raw byte values (duplicates kept, in order)."""
    return "&".join(f"{quote_from_bytes(k.encode())}={quote_from_bytes(v)}" for k, v in pairs).encode("ascii")


def multipart(pairs: list[tuple[str, bytes]], files: list[File] = ()) -> tuple[bytes, str]:
    """A multipart/form-data body of raw byte values and files; returns (body, content type)."""
    boundary = "hostile" + secrets.token_hex(12)
    chunks = []
    for name, value in pairs:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        chunks.append(head.encode() + value + b"\r\n")
    for part in files:
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{part.field}"; filename="'.encode()
                      + part.name.replace(b'"', b"%22") + f'"\r\nContent-Type: {part.content_type}\r\n\r\n'.encode()
                      + part.content + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def query_string(pairs: list[tuple[str, bytes]]) -> str:
    """A query string of raw byte values, percent-encoded as a client sends them."""
    return urlencoded(pairs).decode("ascii")


def raw_query(pairs: list[tuple[str, bytes]]) -> dict:
    """The environ of a query string sent as raw bytes, not percent-encoded (as a careless or hostile client
    does): pass as ``environ_overrides``. WSGI carries it as latin-1."""
    raw = b"&".join(k.encode() + b"=" + v.replace(b"&", b"%26").replace(b"#", b"%23") for k, v in pairs)
    return {"QUERY_STRING": raw.decode("latin-1")}


# --- what a request changed ------------------------------------------------------------------------------------------

@dataclass
class Snapshot:
    """Rows per table and files under the upload folder, at one moment."""

    rows: dict[str, int]
    files: int
    names: set[str] = field(default_factory=set)

    def changes(self, after: Snapshot) -> dict[str, int]:
        """{table: rows added (negative: removed)} for the tables whose count moved, plus "<files>" for files."""
        moved = {name: after.rows[name] - self.rows[name] for name in self.rows if after.rows[name] != self.rows[name]}
        if after.files != self.files:
            moved["<files>"] = after.files - self.files
        return moved


def snapshot(app) -> Snapshot:
    """Count the rows of every mapped table (one statement) and the files under UPLOAD_FOLDER."""
    tables = list(db.metadata.sorted_tables)
    with app.app_context():
        with db.engine.connect() as conn:
            counts = conn.execute(select(*[select(func.count()).select_from(t).scalar_subquery().label(t.name)
                                           for t in tables])).one()
    names = {str(p) for p in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if p.is_file()}
    return Snapshot(dict(zip([t.name for t in tables], counts)), len(names), names)
