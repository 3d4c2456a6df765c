"""What an archive from outside must be before the import trusts any of it.

A site's archive may come from another deployment, or from a disk anyone
could have written to: the import reads nothing it has not checked.

- **Its manifest's shape** (`manifest_problem`): every entry of the kind the
  export writes (a part's name is text, a row count a whole number, …), so
  that a wrong one is a refusal and never an error halfway.
- **Every value** (`fit`): of its column's kind, as PostgreSQL would store
  it. SQLite stores whatever it is given — text in a number column, a title
  of any length, a NUL — and the pages would then fail on it; both databases
  refuse the same archive. Text follows the rules every form follows
  (`core.text.text_problem`: no control character but tab and line breaks, no
  direction override, the column's length).

The parts' sizes (a zip bomb) and names are checked by the reader,
`core.backups.archive_import.ArchiveReader`.
"""
from __future__ import annotations

import binascii
import math
from base64 import b64decode
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Float, Integer, LargeBinary, Numeric, SmallInteger, String
from sqlalchemy.types import TypeDecorator

from core.backups.archive_crypt import protection_problem
from core.text import text_problem
from core.web.loading import parse_int
from tenants.provisioning import SLUG


class Unfit(ValueError):
    """A value its column cannot take (of another kind, out of range, too long, a control character)."""


def _whole_number_limit(kind) -> int:
    if isinstance(kind, BigInteger):
        return 2 ** 63
    if isinstance(kind, SmallInteger):
        return 2 ** 15
    return 2 ** 31


def fit(column, raw):
    """The value `raw` (as the archive holds it in JSON) as the column stores it.

    Times and dates are ISO 8601 text without a zone (the platform keeps city time); bytes are base64 text;
    decimals text. A column that takes no NULL takes no None.

    :raises Unfit: when the value is not of the column's kind, is out of its range or too long, or is text
        with a character no column holds.
    """
    if raw is None:
        if not column.nullable and not column.primary_key:
            raise Unfit("none")
        return None
    kind = column.type
    encrypted = isinstance(kind, TypeDecorator)
    if encrypted:
        kind = kind.impl_instance
    if isinstance(kind, Boolean):
        if type(raw) is not bool:
            raise Unfit("not true or false")
        return raw
    if isinstance(kind, Integer):
        limit = _whole_number_limit(kind)
        if type(raw) is not int or not -limit <= raw < limit:
            raise Unfit("not a whole number in range")
        return raw
    if isinstance(kind, DateTime):
        value = _iso(raw, datetime.fromisoformat)
        if value.tzinfo is not None:
            raise Unfit("a time with a zone")
        return value
    if isinstance(kind, Date):
        return _iso(raw, date.fromisoformat)
    if isinstance(kind, Float):
        if type(raw) not in (int, float) or not math.isfinite(raw):
            raise Unfit("not a number")
        return float(raw)
    if isinstance(kind, Numeric):
        try:
            value = Decimal(raw) if type(raw) in (str, int) else None
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            raise Unfit("not a number")
        return value
    if isinstance(kind, LargeBinary):
        if not isinstance(raw, str):
            raise Unfit("not base64 text")
        try:
            return b64decode(raw, validate=True)
        except binascii.Error:
            raise Unfit("not base64 text") from None
    if isinstance(kind, String):
        if not isinstance(raw, str):
            raise Unfit("not text")
        # An encrypted column's length is its ciphertext's: the plain text has no length of its own.
        length = None if encrypted else kind.length
        if text_problem(raw, multiline=True, max_length=length):
            raise Unfit("text that cannot be stored")
        return raw
    raise Unfit(f"a column of a kind the import does not know ({type(kind).__name__})")


def _iso(raw, parse):
    if not isinstance(raw, str):
        raise Unfit("not ISO 8601 text")
    try:
        return parse(raw)
    except ValueError:
        raise Unfit("not ISO 8601 text") from None


# --- the manifest ----------------------------------------------------------------------------------

def _whole(value) -> bool:
    return type(value) is int and value >= 0


def _text(value) -> bool:
    return isinstance(value, str)


def _part(entry, *, rows: bool) -> bool:
    """A part's entry: its member, checksum and, for rows, its count and columns (and a platform part's key, and
    the columns whose values are sealed); for a file, its size and whether it is sealed."""
    if not isinstance(entry, dict) or not _text(entry.get("member")) or not _text(entry.get("sha256")):
        return False
    if not rows:
        return _whole(entry.get("size")) and type(entry.get("protected", False)) is bool
    columns = entry.get("columns")
    key = entry.get("key", [])
    protected = entry.get("protected", [])
    return (_whole(entry.get("rows")) and isinstance(columns, list) and all(map(_text, columns))
            and len(set(columns)) == len(columns) and isinstance(key, list) and all(map(_text, key))
            and isinstance(protected, list) and all(_text(c) and c in columns for c in protected))


def _sealed_parts(manifest: dict) -> bool:
    """Whether any part of the manifest says it is sealed."""
    rows = [*(manifest.get("tables") or {}).values(), *(manifest.get("platform") or {}).values(),
            manifest.get("users") or {}]
    return any(entry.get("protected") for entry in rows) or any(
        entry.get("protected") for entry in (manifest.get("files") or {}).values())


def manifest_problem(manifest) -> str | None:
    """What in the manifest is not of the shape an export writes (a short English phrase, for the log), or None.

    The values' meaning (the format version, the schema revision, the short name, the domains) is checked
    after, by `archive_import.check_archive`.
    """
    if not isinstance(manifest, dict):
        return "not an object"
    if type(manifest.get("format_version")) is not int or not _text(manifest.get("schema_revision")):
        return "format or revision"
    if not all(manifest.get(k) is None or _text(manifest[k]) for k in ("exported_at", "index_key")):
        return "export time or key"
    site = manifest.get("site")
    if not isinstance(site, dict) or type(site.get("id")) is not int or not SLUG.match(str(site.get("slug"))):
        return "site"
    domains = site.get("domains")
    if not isinstance(domains, list) or not all(
            isinstance(d, dict) and _text(d.get("hostname")) and type(d.get("is_primary", False)) is bool
            for d in domains):
        return "domains"
    group = site.get("group")
    if group is not None and not (isinstance(group, dict) and all(_text(group.get(k)) for k in
                                                                  ("key", "name_zh", "name_en"))
                                  and type(group.get("position", 0)) is int):
        return "group"
    if not isinstance(site.get("fields", {}), dict):
        return "fields"
    for name in ("tables", "platform"):
        parts = manifest.get(name, {})
        if not isinstance(parts, dict) or not all(_text(k) and _part(v, rows=True) for k, v in parts.items()):
            return name
    if manifest.get("users") is not None and not _part(manifest["users"], rows=True):
        return "users"
    files = manifest.get("files", {})
    if not isinstance(files, dict) or not all(_text(k) and _part(v, rows=False) for k, v in files.items()):
        return "files"
    others = manifest.get("other_sites", {})
    if not isinstance(others, dict) or not all(parse_int(k) is not None and _text(v) for k, v in others.items()):
        return "other sites"
    if manifest.get("protection") is not None:
        return protection_problem(manifest["protection"])
    if _sealed_parts(manifest):
        return "sealed parts without a protection"
    return None
