"""Reading a site's archive back: into the same deployment (after the site was deleted) or into another one.

`import_site` checks the archive before it writes anything (its format and
schema revision, the passphrase that opens its personal data, the short name
and domains free, the target's schema up to date), then writes in the caller's transaction: the files first (under new
names, each written aside and renamed, and tied to the transaction so that
they go again unless it commits), the site's record, then every table of
`archive.site_plan()` in an order where a row comes after the rows it names,
every id numbered anew and every reference carried through the maps:

- a site's own rows by the ids the import gave them (a section's parent too:
  parents are written first);
- people by user name: an account with the same name in the target is the
  same person (its password and roles elsewhere unchanged); the others are
  created from the archive (members with their password hash);
- platform rows (disclosure categories, subjects, the portal group) by their
  natural key; one the target lacks is added to the platform's list, and the
  result says which;
- other sites (a forwarded letter's) by short name, kept only when the target
  has that site and its row still points back; when it does, and its link
  to this site was cut by the site's deletion, it is linked to the site
  again (the one change an import makes to another site: a letter forwarded
  between two departments is one letter, followed by the writer's query
  from either end);
- ids written in text (`TEXT_REFERENCES`: what a security finding is about and
  where it is fixed);
- ids inside JSON (`JSON_REFERENCES`: a revision's attachment list and filing,
  a published guide's forms) and links in text to the site's public pages
  (``href="/articles/12"``: `ID_ARGUMENTS`) through the same maps; stored
  file names in any text through the file map.

Values and files sealed with the archive's passphrase (`archive_crypt`) are
opened as their part is read, so everything after sees them as they were; the
rows' encrypted columns are then written through their type, with this
deployment's PERSONAL_DATA_KEYS. An archive of format 1 holds them in clear and
needs no passphrase.

What it does not carry back, on purpose: the audit entries' details stay as
they were written (they are history: an id in them is the one of the site
before the move).

A refusal (`ArchiveRefused`) or any failure leaves nothing: the caller rolls
back, and the files written go with the transaction (and are removed at once
on a failure here).
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import stat
import uuid
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from hashlib import sha256
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit, urlunsplit

from flask import current_app
from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import UniqueConstraint, insert, select, update
from sqlalchemy.exc import DataError, IntegrityError
from werkzeug.exceptions import HTTPException

from core.audit.log import record
from core.audit.triggers import APPEND_ONLY
from core.backups.archive import (FORMAT, FORMAT_VERSION, MANIFEST, USER_FIELDS, Ref, SitePlan,
                                  TablePlan, database_revision, index_key_fingerprint, known_revisions, schema_head,
                                  site_plan)
from core.backups.archive_crypt import ArchiveKey, Unsealed, WrongPassphrase, value_place
from core.backups.archive_checks import Unfit, fit, manifest_problem
from core.content.files import STORED_NAME, keep_with_transaction
from core.content.labels import human_size
from core.text import text_problem
from core.extensions import db
from core.operations import OperationError, audited, read_only
from core.web.cache import content_changed
from tenants.models import SiteGroup, Tenant, TenantDomain
from tenants.provisioning import RESERVED_LABELS, SLUG, check_hostname, normalise_hostname, upload_folder
from tenants.scoping import crosses_tenants

log = logging.getLogger("govsites.backups")
#: Called with the new site's id at the end of every import, in its transaction: modules whose site data is
#: derived and left out of the archive (``info={"not_moved": ...}``) rebuild it here (core.search).
SITE_IMPORTED: list = []
#: Rows written in one statement.
BATCH = 500
#: A password hash no password matches: accounts named by the site's rows but not its members come without one.
NO_PASSWORD = "!moved-without-password"
#: The public pages' id parameters and the tables they name: links in a site's text to these pages follow the
#: new ids. A public route with an id parameter not listed fails tests/backups/test_archive_plan.py.
ID_ARGUMENTS = {
    "article_id": "articles",
    "attachment_id": "attachments",
    "item_id": "service_items",
    "form_id": "service_forms",
    "published_id": "interaction_published_letters",
    "consultation_id": "consultations",
    "file_id": "disclosure_application_files",
}
#: Whole-number parameters of public pages that name no row (a link to one stays as it is): the calendar year of
#: a yearly website report (/website-report/2025).
NOT_ID_ARGUMENTS = frozenset({"year", "part"})  # part: a numbered part of a large sitemap (core.feeds)


#: What the platform's lists are called where an import added to them (`ImportResult.platform_added`).
LIST_LABELS = {"disclosure_categories": _l("Disclosure categories"), "disclosure_subjects": _l("Disclosure subjects"),
               "site_groups": _l("Groups on the city portal")}


class ArchiveRefused(OperationError):
    """The archive cannot be imported here; `problems` says why under "archive", "slug" or "domain"."""


# --- ids inside JSON -------------------------------------------------------------------------------

def _revision_data(data, maps: "_Maps"):
    """An article revision (core.publishing): its filing (platform ids) and its attachment list (rows)."""
    if not isinstance(data, dict):
        return data
    for key, table in (("disclosure_category_id", "disclosure_categories"), ("subject_id", "disclosure_subjects")):
        if data.get(key) is not None:
            data[key] = maps.platform[table].get(data[key])
    for entry in data.get("attachments") or []:
        if isinstance(entry, dict) and entry.get("id") is not None:
            # A file whose row is gone is brought back under a new id when the revision is restored.
            entry["id"] = maps.rows["attachments"].get(entry["id"])
    return data


def _published_guide(data, maps: "_Maps"):
    """A service item's approved guide (core.services.guide.snapshot): its forms and the materials naming them.

    A form removed from the working copy after approval has no row: its entry keeps its number, which
    only has to be unique within the guide (the public download finds the entry by it).
    """
    if not isinstance(data, dict):
        return data
    forms = maps.rows["service_forms"]
    for entry in data.get("forms") or []:
        if isinstance(entry, dict) and entry.get("id") in forms:
            entry["id"] = forms[entry["id"]]
    for entry in data.get("materials") or []:
        if isinstance(entry, dict) and entry.get("blank_form_id") in forms:
            entry["blank_form_id"] = forms[entry["blank_form_id"]]
    return data


#: (table, column) -> the function that carries the ids inside its JSON through the maps, and the tables whose
#: ids it needs. A JSON column with ids not listed fails tests/backups/test_archive_roundtrip.py.
JSON_REFERENCES = {
    ("article_revisions", "data"): (_revision_data, ("attachments",)),
    ("service_items", "published_guide"): (_published_guide, ("service_forms",)),
}

# --- ids inside plain text -------------------------------------------------------------------------

#: What a security finding is about ("user:12", "article:40/host:example.com"): core.security keeps a finding
#: from run to run by it, so it follows the ids (a finding accepted with a reason stays accepted after a move).
_FINDING_KEY = re.compile(r"^(user|article|section|attachment|consultation|service_item|letter):(\d+)(?=$|/)")
#: Where a finding is fixed: a page of the site's admin naming an id.
_ADMIN_PATH = re.compile(
    r"^/admin/(users|articles|sections|consultations|services/items|interaction/letters)/(\d+)(?=$|[/?#])")
_KEY_TABLES = {"article": "articles", "section": "sections", "attachment": "attachments",
               "consultation": "consultations", "service_item": "service_items", "letter": "interaction_letters",
               "articles": "articles", "sections": "sections", "consultations": "consultations",
               "services/items": "service_items", "interaction/letters": "interaction_letters"}


def _carried_id(maps: "_Maps", kind: str, old: str) -> int | None:
    return maps.users.get(int(old)) if kind in ("user", "users") else maps.rows[_KEY_TABLES[kind]].get(int(old))


def _finding_key(text: str, maps: "_Maps") -> str:
    def carry(found: re.Match) -> str:
        new = _carried_id(maps, found.group(1), found.group(2))
        return found.group(0) if new is None else f"{found.group(1)}:{new}"
    return _FINDING_KEY.sub(carry, text)


def _admin_path(text: str, maps: "_Maps") -> str:
    def carry(found: re.Match) -> str:
        new = _carried_id(maps, found.group(1), found.group(2))
        return found.group(0) if new is None else f"/admin/{found.group(1)}/{new}"
    return _ADMIN_PATH.sub(carry, text)


#: (table, column) -> the function that carries the ids written in its text through the maps, and the tables
#: whose ids it needs. Text holding ids ("kind:12", an admin path) not listed fails
#: tests/backups/test_archive_plan.py.
TEXT_REFERENCES = {
    ("security_findings", "object_key"): (_finding_key, ("articles", "sections", "attachments", "consultations",
                                                         "service_items", "interaction_letters")),
    ("security_findings", "link"): (_admin_path, ("articles", "sections", "consultations", "service_items",
                                                  "interaction_letters")),
}


def _lookup_hashes() -> dict:
    """(table, column) -> how the keyed lookup hash is computed from the row's (decrypted) values."""
    from core.disclosure.queries_applications import phone_lookup as disclosure_phone
    from core.interaction.queries_letters import phone_lookup as letter_phone
    from core.interaction.queries_letters import text_lookup
    from core.services.queries_applications import phone_lookup as application_phone

    return {
        ("service_applications", "phone_hash"): lambda row: application_phone(row.get("phone") or ""),
        ("interaction_letters", "phone_hash"): lambda row: letter_phone(row.get("phone") or ""),
        ("interaction_letters", "text_hash"): lambda row: text_lookup(row.get("subject") or "", row.get("body") or ""),
        ("disclosure_applications", "phone_hash"): lambda row: disclosure_phone(row.get("phone") or ""),
    }


LOOKUP_HASH_COLUMNS = {("service_applications", "phone_hash"), ("interaction_letters", "phone_hash"),
                       ("interaction_letters", "text_hash"), ("disclosure_applications", "phone_hash")}


# --- reading the archive ---------------------------------------------------------------------------

def _damaged(part: str | None = None) -> ArchiveRefused:
    if part:
        return ArchiveRefused({"archive": _l("The archive is damaged: its part “%(part)s” is not what was exported "
                                             "(its checksum differs). Export the site again, or use another copy.",
                                             part=part)})
    return ArchiveRefused({"archive": _l("This file is not a site archive, or it is damaged: it cannot be read. "
                                         "Export the site again, or use another copy.")})


def _not_exported(part: str) -> ArchiveRefused:
    """A part whose checksum agrees with the manifest but whose content no export writes (made by hand)."""
    return ArchiveRefused({"archive": _l("The archive is damaged: its part “%(part)s” does not hold what an export "
                                         "writes. Export the site again, or use another copy.", part=part)})


def _unfit(part: str, column: str) -> ArchiveRefused:
    return ArchiveRefused({"archive": _l(
        "The archive is damaged: in its part “%(part)s”, a value of “%(column)s” is not one this deployment can "
        "store (of another kind, too long, or with a control character). Export the site again, or use another "
        "copy.", part=part, column=column)})


def _too_large(part: str, size: int, limit: int) -> ArchiveRefused:
    return ArchiveRefused({"archive": _l(
        "The archive's part “%(part)s” unpacks to %(size)s, more than an import reads at once (%(limit)s). If the "
        "archive is genuine, raise SITE_ARCHIVE_MAX_TABLE_BYTES and import it with “flask backup import-site”.",
        part=part, size=human_size(size), limit=human_size(limit))})


class ArchiveReader:
    """A site archive opened for reading; every part is checked against the manifest's checksum as it is read.

    Nothing is read before its size is known: a part is read into memory only when the zip's directory says
    it unpacks to at most SITE_ARCHIVE_MAX_TABLE_BYTES (zipfile then reads no more than that), a file is
    copied only when the directory's size is the manifest's. An archive holding a name twice or a symbolic
    link is refused (an export writes neither).
    """

    def __init__(self, source):
        self.limit = int(current_app.config["SITE_ARCHIVE_MAX_TABLE_BYTES"])
        #: The key that opens the sealed values and files, once `unlock` was given the passphrase.
        self.key: ArchiveKey | None = None
        try:
            self.zip = zipfile.ZipFile(source)
            members = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise _damaged() from None
        try:
            names = [info.filename for info in members]
            if len(set(names)) != len(names):
                raise _damaged()
            for info in members:
                if stat.S_ISLNK(info.external_attr >> 16):
                    raise _not_exported(info.filename)
            data = self._read(self._member(MANIFEST, missing=_damaged()))
            self.manifest = json.loads(data.decode("utf-8"))
        except ArchiveRefused:
            self.zip.close()
            raise
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            self.zip.close()
            raise _damaged() from None
        if not isinstance(self.manifest, dict) or self.manifest.get("format") != FORMAT:
            self.zip.close()
            raise _damaged()
        problem = manifest_problem(self.manifest)
        if problem:
            self.zip.close()
            log.warning("a site archive's manifest is not of the shape an export writes: %s", problem)
            raise _damaged()

    def close(self) -> None:
        self.zip.close()

    @property
    def protected(self) -> bool:
        """Whether the archive's personal data is sealed with a passphrase (format 2 on; format 1 holds it in
        clear)."""
        return self.manifest.get("protection") is not None

    def unlock(self, passphrase: str | None) -> LazyString | None:
        """Open the archive's sealed values and files with the passphrase; return what is wrong, or None.

        Nothing is read but the manifest: a wrong passphrase is told before any part is.
        """
        if not self.protected:
            return None
        if not passphrase:
            return _l("The personal data in this archive is protected by the passphrase given when it was "
                      "exported: type it to import the site.")
        try:
            self.key = ArchiveKey.open(passphrase, self.manifest["protection"])
        except WrongPassphrase:
            return _l("This is not the passphrase the archive was exported with: its personal data does not open "
                      "with it. Nothing was imported. Check it with the person who exported the site.")
        return None

    def _member(self, name: str, missing: ArchiveRefused | None = None) -> zipfile.ZipInfo:
        try:
            return self.zip.getinfo(name)
        except KeyError:
            raise (missing or _damaged(name)) from None

    def _read(self, member: zipfile.ZipInfo) -> bytes:
        """A part read whole, once its unpacked size is known to be within the limit."""
        if member.file_size > self.limit:
            raise _too_large(member.filename, member.file_size, self.limit)
        return self.zip.read(member)

    def read(self, info: dict) -> bytes:
        name = info["member"]
        try:
            data = self._read(self._member(name))
        except (zipfile.BadZipFile, OSError, EOFError):
            raise _damaged(name) from None
        if sha256(data).hexdigest() != info["sha256"]:
            raise _damaged(name)
        return data

    def rows(self, info: dict) -> list[dict]:
        """The rows of one data part, as {column: value} (values as stored in JSON).

        :raises ArchiveRefused: the part is missing, too large, changed, or not lines of values in its columns.
        """
        columns, name = info["columns"], info["member"]
        found = []
        for line in self.read(info).splitlines():
            if not line:
                continue
            try:
                values = json.loads(line)
            except ValueError:
                raise _damaged(name) from None
            if not isinstance(values, list) or len(values) != len(columns):
                raise _not_exported(name)
            found.append(dict(zip(columns, values)))
        if len(found) != info["rows"]:
            raise _damaged(name)
        protected = info.get("protected") or []
        if protected:
            self._open_values(name, protected, found)
        return found

    def _open_values(self, name: str, protected: list[str], rows: list[dict]) -> None:
        """Open the sealed values of a part's rows in place.

        :raises ArchiveRefused: a value that does not open (changed, or moved from another column or part).
        """
        if self.key is None:
            raise _damaged()  # a part says it is sealed, the manifest gives no key to open it: not an export's
        places = [(column, value_place(name, column)) for column in protected]
        try:
            for row in rows:
                for column, place in places:
                    row[column] = self.key.open_value(row[column], place)
        except Unsealed:
            raise _damaged(name) from None

    def copy_to(self, info: dict, target) -> None:
        """Write one file part to the open file `target`, checking its size and checksum as it goes (a sealed
        one opened whole, once checked)."""
        name = info["member"]
        member = self._member(name)
        if member.file_size != info["size"]:
            raise _damaged(name)  # it unpacks to more (or less) than the file that was exported
        if info.get("protected"):
            if self.key is None:
                raise _damaged()
            try:
                target.write(self.key.open_bytes(self.read(info), name))
            except Unsealed:
                raise _damaged(name) from None
            return
        digest = sha256()
        try:
            with self.zip.open(member) as source:
                while chunk := source.read(1024 * 1024):
                    digest.update(chunk)
                    target.write(chunk)
        except (zipfile.BadZipFile, EOFError):
            raise _damaged(name) from None
        if digest.hexdigest() != info["sha256"]:
            raise _damaged(name)


@read_only
def fitted(table, part: str, row: dict, columns=None) -> dict:
    """A row's values as the target stores them (`archive_checks.fit`), for the columns the table has.

    :raises ArchiveRefused: naming the part and the column of a value that does not fit.
    """
    values = {}
    for column in columns if columns is not None else row:
        if column not in table.c:
            continue  # a column the archive's version had and this one dropped
        try:
            values[column] = fit(table.c[column], row.get(column))
        except Unfit:
            raise _unfit(part, column) from None
    return values


# --- the maps from the archive's ids to the target's -----------------------------------------------

@dataclass
class _Maps:
    old_site: int
    new_site: int
    other_sites: dict[int, int | None]
    rows: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    users: dict[int, int] = field(default_factory=dict)
    platform: dict[str, dict] = field(default_factory=lambda: defaultdict(dict))
    files: dict[str, str] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)
    #: Another site's rows to link back to this site's once their ids are known: (soft reference, the other
    #: row's id, its site, the id in the archive of the row it is linked to).
    relinks: list[tuple] = field(default_factory=list)

    def site(self, old: int) -> int | None:
        return self.new_site if old == self.old_site else self.other_sites.get(old)


_STORED_IN_TEXT = re.compile(r"[0-9a-f]{32}\.[a-z0-9]{1,10}")


class _Links:
    """Links in a site's text to its own public pages, carried to the new ids (`ID_ARGUMENTS`)."""

    ATTRIBUTE = re.compile(r"""((?:href|src)\s*=\s*\\?["'])([^"'\\\s>]*)""")

    def __init__(self, maps: _Maps, hostnames: set[str]):
        from werkzeug.routing import IntegerConverter

        from core.web.routes import RULES

        self.maps, self.hostnames = maps, hostnames
        self.adapter = current_app.url_map.bind("localhost")
        prefixes = set()
        for rule in current_app.url_map.iter_rules():
            found = RULES.get(rule.endpoint)
            if found is not None and found.permission is None and any(
                    isinstance(c, IntegerConverter) for c in rule._converters.values()):
                prefixes.add(rule.rule.split("<", 1)[0])
        self.prefixes = tuple(sorted(prefixes))
        alternatives = "|".join(re.escape(p) for p in self.prefixes) or "(?!)"
        self.quick = re.compile(rf"""(?:href|src)\s*=\s*\\?["'](?:https?://[^/"'\\\s]+)?(?:{alternatives})""")

    def has_links(self, text: str) -> bool:
        return bool(self.quick.search(text))

    def rewrite(self, text: str) -> str:
        return self.ATTRIBUTE.sub(lambda m: m.group(1) + self._url(m.group(2)), text)

    def _url(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.netloc and (parts.hostname or "") not in self.hostnames:
            return url
        if not parts.path.startswith(self.prefixes):
            return url
        try:
            rule, _args = self.adapter.match(unquote(parts.path), method="GET", return_rule=True)
        except HTTPException:
            return url
        segments, pattern = parts.path.split("/"), rule.rule.split("/")
        for index, piece in enumerate(pattern):
            if piece.startswith("<path:") or index >= len(segments):
                break
            found = re.fullmatch(r"<int:(\w+)>", piece)
            if found is None:
                continue
            table = ID_ARGUMENTS.get(found.group(1))
            new = self.maps.rows[table].get(int(segments[index])) if table and segments[index].isdigit() else None
            if new is None:
                return url  # a page the archive does not hold: left as written
            segments[index] = str(new)
        return urlunsplit(parts._replace(path="/".join(segments)))


# --- the import ------------------------------------------------------------------------------------

@dataclass
class ImportResult:
    """What `import_site` wrote: the new site, rows per table, files, and whom and what it matched or added."""

    tenant: Tenant
    rows: dict[str, int]
    files: int
    users_created: list[str]
    users_linked: list[str]
    #: (table, its natural key's value) of the platform rows the target lacked and the import added.
    platform_added: list[tuple[str, str]]
    #: table -> {id in the archive: id here}: how the archive's ids were carried (its pages' links follow them),
    #: the site's rows' and the platform rows' they name.
    ids: dict[str, dict[int, int]]
    old_site_id: int
    #: Other sites' rows linked back to this site's again (letters forwarded between them).
    links_restored: int = 0
    #: How the archive held its personal data: "protected" (sealed with its passphrase) or "clear" (format 1).
    personal_data: str = "protected"

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def _sentences(parts: list) -> LazyString:
    """Sentences one after the other as the reader's language writes them: Chinese ones without a space."""
    def joined() -> str:
        locale = get_locale()
        return ("" if locale is not None and locale.language == "zh" else " ").join(str(p) for p in parts)
    return LazyString(joined)


@read_only
def check_archive(reader: ArchiveReader, *, slug: str | None, domain: str | None,
                  passphrase: str | None = None) -> tuple[str, list[str]]:
    """Whether the archive can be imported here as it is: its format, its schema, the passphrase that opens its
    personal data (the reader keeps the key), the short name, the domains.

    Returns (the short name, the hostnames, the primary first) it would get.

    :raises ArchiveRefused: with every problem found, under "archive", "passphrase", "slug" or "domain".
    """
    manifest = reader.manifest
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ArchiveRefused({"archive": _l(
            "This archive was made by a newer version of govsites (archive format %(found)s; this version reads up "
            "to %(known)s). Update govsites, then import it.", found=version, known=FORMAT_VERSION)})
    revision, head = manifest.get("schema_revision"), schema_head()
    if revision not in known_revisions():
        raise ArchiveRefused({"archive": _l(
            "This archive was made by a newer version of govsites: its database revision %(found)s is unknown to "
            "this version (at %(head)s). Update govsites, then import it.", found=revision, head=head)})
    current = database_revision()
    if current != head:
        raise ArchiveRefused({"archive": _l(
            "This deployment's database is not up to date (revision %(found)s; the code is at %(head)s): run "
            "“flask db upgrade” first.", found=current or "—", head=head)})
    if (version >= 2) != reader.protected:
        raise _damaged()  # format 2 seals personal data, format 1 does not: anything else is no export's
    site = manifest.get("site") or {}
    problems: dict[str, object] = {}
    locked = reader.unlock(passphrase)
    if locked:
        problems["passphrase"] = locked
    new_slug = (slug or site.get("slug") or "").strip().lower()
    if not SLUG.match(new_slug):
        problems["slug"] = _l("The short name must be 2-32 characters: a-z first, then a-z, 0-9 or '-'.")
    elif new_slug in RESERVED_LABELS:
        problems["slug"] = _l("'%(slug)s' is reserved.", slug=new_slug)
    elif db.session.execute(select(Tenant.id).where(Tenant.slug == new_slug)).first():
        problems["slug"] = _l("The short name '%(slug)s' is already used by a site here. Delete that site first, or "
                              "import the archive under another short name and domain.", slug=new_slug)
    if domain:
        hostnames = [normalise_hostname(domain)]
    else:
        domains = sorted(site.get("domains") or [], key=lambda d: not d.get("is_primary"))
        hostnames = [normalise_hostname(d.get("hostname", "")) for d in domains]
    found: dict[str, str] = {}
    for index, hostname in enumerate(hostnames):
        check_hostname(hostname, f"domain {index}", found)
    if found:
        problems["domain"] = _sentences([*found.values(), _l(
            "Give the site another domain (the archive's aliases are then left out).")])
    elif not hostnames:
        problems["domain"] = _l("The archive names no domain: give the site one.")
    plan = site_plan()
    # Only the site's own tables are written, and only the two platform lists its rows name (by their natural
    # key, never the archive's): a part named after any other table (users, the platform's log) is not read.
    unknown = sorted((set(manifest.get("tables") or {}) - set(plan.tables))
                     | (set(manifest.get("platform") or {}) - set(plan.platform)))
    if unknown:
        problems["archive"] = _l("The archive holds kinds of data this version of govsites does not have "
                                 "(%(names)s): import it with the version that made it.", names=", ".join(unknown))
    if problems:
        raise ArchiveRefused(problems)
    return new_slug, hostnames


@audited
@crosses_tenants("a site's archive is written back into the new site's rows by its id, with no site active")
def import_site(source, *, slug: str | None = None, domain: str | None = None,
                passphrase: str | None = None) -> ImportResult:
    """Import a site's archive (a path or a binary file) as a new site, in the caller's transaction.

    `slug` and `domain` give the site another short name and domain (the archive's aliases are then left out).
    `passphrase` opens its personal data (an archive of format 1 needs none: it holds it in clear). Recorded on
    the platform's log. The caller commits; on any exception it rolls back, and no row and no file of the import
    remains.

    :raises ArchiveRefused: the archive is damaged, of a newer format or schema, the target is not up to date,
        the passphrase is missing or wrong, the short name or a domain is taken, or tracking codes the public
        holds are already used here.
    """
    reader = ArchiveReader(source)
    written: list[Path] = []
    try:
        new_slug, hostnames = check_archive(reader, slug=slug, domain=domain, passphrase=passphrase)
        return _write(reader, new_slug, hostnames, written)
    except ArchiveRefused:
        _remove(written)
        raise
    except (IntegrityError, DataError, ValueError, KeyError, TypeError) as error:
        _remove(written)
        # The kind of error only: a database's message would quote the row, personal data included.
        log.warning("a site archive's records did not fit the database: %s", type(error).__name__)
        raise ArchiveRefused({"archive": _l(
            "The archive's records do not fit this deployment's database: they may have been changed after the "
            "export, or come from a version whose data this one cannot take. Nothing was imported.")}) from None
    except OSError as error:
        _remove(written)
        raise ArchiveRefused({"archive": _l("The site's files could not be written here (%(reason)s): nothing was "
                                            "imported.", reason=error.strerror or error)}) from None
    except BaseException:
        _remove(written)
        raise
    finally:
        reader.close()


def _remove(written: list[Path]) -> None:
    """Take back the files an import wrote, and the folders it made for them that are left empty."""
    root = Path(current_app.config["UPLOAD_FOLDER"])
    folders = set()
    for path in written:
        path.unlink(missing_ok=True)
        folders.update(p for p in path.parents if root in p.parents)
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        try:
            folder.rmdir()
        except OSError:
            pass  # not empty: something else is in it


def _write(reader: ArchiveReader, new_slug: str, hostnames: list[str], written: list[Path]) -> ImportResult:
    manifest = reader.manifest
    site = manifest["site"]
    tenant, group_added = _create_tenant(site, new_slug, hostnames)
    others = {}
    for old, other_slug in (manifest.get("other_sites") or {}).items():
        others[int(old)] = db.session.execute(select(Tenant.id).where(Tenant.slug == other_slug)).scalar()
    old_site = int(site["id"])
    maps = _Maps(old_site=old_site, new_site=tenant.id, other_sites=others)
    files = _write_files(reader, manifest.get("files") or {}, tenant.id, maps, written)
    if tenant.logo_filename in maps.files:
        tenant.logo_filename, tenant.updated_at = maps.files[tenant.logo_filename], tenant.updated_at
    plan = site_plan()
    platform_added = _match_platform(reader, manifest, plan, maps)
    if group_added:
        platform_added.insert(0, group_added)
    created, linked = _match_users(reader, manifest, maps)
    links = _Links(maps, set(hostnames) | {d["hostname"] for d in site.get("domains") or []})
    lookups = _lookup_hashes() if manifest.get("index_key") != index_key_fingerprint() else {}
    deferred: list[tuple[str, int, int, dict]] = []
    rows: dict[str, int] = {}
    for name in _order(plan):
        info = (manifest.get("tables") or {}).get(name)
        if info is None:
            continue  # a table the archive's version did not have: the site has no rows in it
        rows[name] = _write_table(plan.tables[name], reader.rows(info), info["member"], maps, links, lookups,
                                  deferred)
        maps.done.add(name)
    _finish(plan, deferred, maps, links)
    relinked = _relink(maps)
    for rebuild in SITE_IMPORTED:  # derived data an archive leaves out (archive.not_moved): the search entries
        rebuild(tenant.id)
    content_changed(db.session, [tenant.id])  # the site's pages and search results kept anywhere are stale
    ids = {**{k: dict(v) for k, v in maps.platform.items()}, **{k: dict(v) for k, v in maps.rows.items()}}
    result = ImportResult(tenant, rows, files, created, linked, platform_added, ids, old_site, relinked,
                          "protected" if reader.protected else "clear")
    record("site.import", tenant.slug, name_zh=tenant.name_zh, domains=hostnames,
           **({"source_site": site["slug"]} if site["slug"] != tenant.slug else {}),
           exported_at=manifest.get("exported_at"), archive_rows=result.total_rows, archive_files=files,
           accounts_created=len(created), accounts_linked=len(linked),
           **({"links_restored": relinked} if relinked else {}),
           **({"platform_added": [added for _table, added in platform_added]} if platform_added else {}))
    return result


def _create_tenant(site: dict, slug: str, hostnames: list[str]) -> tuple[Tenant, tuple[str, str] | None]:
    """The site's row and domains, from the manifest's record; its portal group matched by key (or added)."""
    fields = site.get("fields") or {}
    fields = fitted(Tenant.__table__, MANIFEST, fields, [c for c in fields if c not in ("id", "slug", "group_id")])
    group, added = None, None
    if site.get("group"):
        wanted = fitted(SiteGroup.__table__, MANIFEST, site["group"], ("key", "name_zh", "name_en", "position"))
        group = db.session.execute(select(SiteGroup).where(SiteGroup.key == wanted["key"])).scalar()
        if group is None:
            group = SiteGroup(**wanted)
            db.session.add(group)
            added = ("site_groups", wanted["name_zh"])
    tenant = Tenant(slug=slug, group=group, **fields)
    tenant.domains = [TenantDomain(hostname=h, is_primary=(i == 0)) for i, h in enumerate(hostnames)]
    db.session.add(tenant)
    db.session.flush()
    return tenant, added


def _safe_relative(relative: str) -> PurePosixPath | None:
    """The file's path under the site's folder, or None when it would leave it or is not written as an export
    writes it (a name starting with a dot, a backslash, a control character, "a//b", "a/./b")."""
    path = PurePosixPath(relative)
    if path.is_absolute() or not path.parts or path.as_posix() != relative or text_problem(relative) or any(
            p in ("", ".", "..") or p.startswith(".") or "\\" in p for p in path.parts):
        return None
    return path


def _write_files(reader: ArchiveReader, files: dict, tenant_id: int, maps: _Maps, written: list[Path]) -> int:
    """Write the site's files under its new folder; a stored name (random) gets a new one, others keep theirs.

    Every name is checked, and the room they need, before the first is written.
    """
    folder = upload_folder(tenant_id)
    paths = {relative: _safe_relative(relative) for relative in files}
    for relative, path in sorted(paths.items()):
        if path is None:
            raise _not_exported(relative)
    _check_room(folder, sum(info["size"] for info in files.values()))
    for relative, info in sorted(files.items()):
        path = paths[relative]
        name = path.name
        if STORED_NAME.match(name):
            name = f"{uuid.uuid4().hex}.{name.rsplit('.', 1)[1]}"
            maps.files[path.name] = name
        target = folder.joinpath(*path.parts[:-1], name)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{name}.part")
        try:
            with open(partial, "wb") as handle:
                reader.copy_to(info, handle)
            written.append(target)
            keep_with_transaction(target)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return len(files)


def _check_room(folder: Path, needed: int) -> None:
    """Refuse before writing when the upload folder's disk has not the room the files need (and a margin)."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    free = shutil.disk_usage(existing).free
    if needed + 64 * 1024 * 1024 > free:
        raise ArchiveRefused({"archive": _l(
            "The site's files need %(needed)s and the disk of the upload folder has %(free)s free: nothing was "
            "imported. Make room, then import the archive again.", needed=human_size(needed),
            free=human_size(free))})


def _match_platform(reader: ArchiveReader, manifest: dict, plan: SitePlan,
                    maps: _Maps) -> list[tuple[str, str]]:
    """Platform rows the site's rows name, found in the target by their natural key (the plan's, never one the
    archive names); the missing ones added. Only the lists of `plan.platform` are read."""
    added = []
    for name, key in sorted(plan.platform.items()):
        info = (manifest.get("platform") or {}).get(name)
        if info is None:
            continue
        table = db.metadata.tables[name]
        pk = list(table.primary_key.columns)[0]
        part = info["member"]
        for row in reader.rows(info):
            values = fitted(table, part, row, [c.name for c in table.c if c.name in row])
            if values.get(pk.name) is None or any(values.get(k) is None for k in key):
                raise _not_exported(part)
            found = db.session.execute(select(pk).where(*(table.c[k] == values[k] for k in key))).scalar()
            if found is None:
                new = {c: v for c, v in values.items() if c != pk.name}
                found = db.session.execute(insert(table).returning(pk), new).scalar_one()
                added.append((name, " / ".join(str(values[k]) for k in key)))
            maps.platform[name][values[pk.name]] = found
    return added


def _match_users(reader: ArchiveReader, manifest: dict, maps: _Maps) -> tuple[list[str], list[str]]:
    """People by user name: the target's account when it has one (left as it is), else one made from the archive."""
    from core.auth.models import User

    table = User.__table__
    created, linked = [], []
    info = manifest.get("users")
    for row in reader.rows(info) if info else []:
        part = info["member"]
        # Accounts named by the rows but not members come without a password: none of theirs is moved.
        row = {**row, "password_hash": row.get("password_hash") or NO_PASSWORD}
        values = fitted(table, part, row, ["id", *(c for c in USER_FIELDS if c in row)])
        username = values.get("username")
        if values.get("id") is None or not username:
            raise _not_exported(part)
        found = db.session.execute(select(table.c.id).where(table.c.username == username)).scalar()
        if found is None:
            values = {c: v for c, v in values.items() if c != "id"}
            found = db.session.execute(insert(table).returning(table.c.id), values).scalar_one()
            created.append(username)
        else:
            linked.append(username)
        maps.users[row["id"]] = found
    return created, linked


def _order(plan: SitePlan) -> list[str]:
    """The plan's order, with tables whose soft or JSON references name another written before it where the
    foreign keys allow (so those ids are known when its rows are written, and need no second pass)."""
    needs = {name: {ref.table for ref in table_plan.refs.values() if ref.kind == "row" and ref.table != name}
             for name, table_plan in plan.tables.items()}
    wishes = [(name, ref.table) for name, table_plan in plan.tables.items() for ref in table_plan.refs.values()
              if ref.kind == "soft" and ref.table and ref.table != name]
    wishes += [(name, table) for (name, _column), (_fn, tables) in [*JSON_REFERENCES.items(),
                                                                    *TEXT_REFERENCES.items()] for table in tables]
    for name, wanted in sorted(wishes):
        if name not in needs or wanted not in needs:
            continue
        trial = {k: set(v) for k, v in needs.items()}
        trial[name].add(wanted)
        try:
            _sorted(trial)
        except CycleError:
            continue
        needs = trial
    return _sorted(needs)


def _sorted(needs: dict[str, set[str]]) -> list[str]:
    order = TopologicalSorter()
    for name in sorted(needs):
        order.add(name, *sorted(needs[name]))
    return list(order.static_order())


def _global_unique(table) -> list[str]:
    """Columns unique across the whole platform (not per site), such as the tracking codes the public holds."""
    found = [c.name for c in table.c if c.unique and not c.primary_key]
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint) and len(constraint.columns) == 1 \
                and "tenant_id" not in constraint.columns and not list(constraint.columns)[0].primary_key:
            found.append(list(constraint.columns)[0].name)
    return sorted(set(found))


def _check_unique(table_plan: TablePlan, rows: list[dict]) -> None:
    table = table_plan.table
    for column in _global_unique(table):
        values = sorted({row[column] for row in rows if row.get(column) is not None})
        for start in range(0, len(values), BATCH):
            if db.session.execute(select(table.c[column]).where(
                    table.c[column].in_(values[start:start + BATCH])).limit(1)).first():
                raise ArchiveRefused({"archive": _l(
                    "Codes the public was given with this site's records (tracking codes) are already used by a "
                    "site here: is the site this archive was exported from still here? Delete it first (export it "
                    "if it has changed), or import the archive into another deployment.")})


def _fitted_rows(table_plan: TablePlan, rows: list[dict], part: str, old_site: int) -> list[dict]:
    """The part's rows with every value as its column stores it, each of the archive's site and with an id of
    its own.

    :raises ArchiveRefused: a value does not fit its column, a row names another site as its own, two rows
        have the same id.
    """
    table, pk = table_plan.table, table_plan.pk
    columns = [c.name for c in table.c if rows and c.name in rows[0]]
    found, seen = [], set()
    for row in rows:
        values = fitted(table, part, row, columns)
        if table_plan.owned and values.get("tenant_id") != old_site:
            raise _not_exported(part)  # another site's row: an import writes into its own site only
        if pk:
            if values.get(pk) is None or values[pk] in seen:
                raise _not_exported(part)
            seen.add(values[pk])
        found.append(values)
    return found


def _write_table(table_plan: TablePlan, rows: list[dict], part: str, maps: _Maps, links: _Links, lookups: dict,
                 deferred: list) -> int:
    """Write one table's rows (as read from the part), parents before children within it; return how many."""
    table, name, pk = table_plan.table, table_plan.name, table_plan.pk
    rows = _fitted_rows(table_plan, rows, part, maps.old_site)
    columns = list(rows[0]) if rows else []
    _check_unique(table_plan, rows)
    self_refs = table_plan.self_refs
    archived = {row[pk] for row in rows} if pk else set()
    append_only = name in APPEND_ONLY
    pending = rows
    while pending:
        ready, waiting = [], []
        for row in pending:
            blocked = any(row.get(c) is not None and row[c] in archived and row[c] not in maps.rows[name]
                          for c in self_refs)
            (waiting if blocked else ready).append(row)
        if not ready:
            raise _not_exported(part)  # rows that are each other's parent: no export writes them
        prepared = [_prepare(table_plan, row, columns, maps, links, lookups, append_only) for row in ready]
        # A row whose required soft reference names a row the archive does not hold (views of an item since
        # deleted) has nothing left to say: it is left out.
        kept = [(row, entry) for row, entry in zip(ready, prepared) if entry is not None]
        ready, prepared = [row for row, _entry in kept], [entry for _row, entry in kept]
        if not table_plan.owned and any(all(values.get(c) is None for c, _parent in table_plan.parents)
                                        for values, _later in prepared):
            raise _not_exported(part)  # a row hanging on no row of the site would belong to no site
        for start in range(0, len(prepared), BATCH):
            chunk = prepared[start:start + BATCH]
            values = [v for v, _later in chunk]
            if pk:
                new_ids = db.session.execute(insert(table).returning(table.c[pk], sort_by_parameter_order=True),
                                             values).scalars().all()
                for row, new_id, (_v, later) in zip(ready[start:start + BATCH], new_ids, chunk):
                    maps.rows[name][row[pk]] = new_id
                    if later:
                        deferred.append((name, new_id, row[pk], later))
            else:
                db.session.execute(insert(table), values)
        pending = waiting
    return len(rows)


def _prepare(table_plan: TablePlan, row: dict, columns: list[str], maps: _Maps, links: _Links,
             lookups: dict, append_only: bool) -> tuple[dict, dict] | None:
    """One row's values for the target (ids carried, file names renamed), and what must wait for a second pass;
    None when a required soft reference names a row that is gone (the row is left out)."""
    name, pk = table_plan.name, table_plan.pk
    values, later = {}, {}
    for column in columns:
        if column == pk:
            continue
        value = row[column]
        ref = table_plan.refs.get(column)
        if ref is not None and value is not None:
            value, wait = _carry(ref, value, row, table_plan, maps)
            if wait and not append_only:
                later[column] = row[column]
            elif value is None and ref.kind == "soft" and not table_plan.table.c[column].nullable:
                return None
        elif isinstance(value, str):
            if maps.files and "." in value:
                value = _STORED_IN_TEXT.sub(lambda m: maps.files.get(m.group(0), m.group(0)), value)
            if not append_only and ((name, column) in JSON_REFERENCES or (name, column) in TEXT_REFERENCES
                                    or links.has_links(value)):
                later[column] = value
        values[column] = value
    for (table, column), compute in lookups.items():
        if table == name and column in values:
            values[column] = compute(values)
    return values, later


def _carry(ref: Ref, value, row: dict, table_plan: TablePlan, maps: _Maps) -> tuple[object, bool]:
    """A reference's value in the target, and whether it must wait for the rows it names (written later)."""
    if ref.kind == "site":
        return maps.site(value), False
    if ref.kind == "user":
        return maps.users.get(value), False
    if ref.kind == "platform":
        return maps.platform[ref.table].get(value), False
    soft = ref.soft
    if ref.kind == "row" or (soft is not None and soft.kind == "row"):
        known = maps.rows[ref.table]
        if value in known:
            return known[value], False
        if ref.table in maps.done:
            return None, False  # a row the archive does not hold (an old id without a key): dropped
        return None, True
    if soft.kind == "user":
        return maps.users.get(value), False  # the audit log keeps the user name beside it
    if soft.kind == "other_site_row":
        site_value = row.get(soft.site)
        other = maps.site(site_value) if site_value is not None else None
        if other is None or other == maps.new_site:
            return None, False
        target = table_plan.table.metadata.tables[soft.table]
        found = db.session.execute(select(target.c[soft.back_site]).where(
            target.c.id == value, target.c.tenant_id == other,
            target.c[soft.back] == row[table_plan.pk])).first()
        if found is None or found[0] is not None:
            # It points back at a site that is here (the original of a copy imported under another name): it is
            # that site's, not this one's.
            return None, False
        # Its site was deleted (the deletion cut its link, not the id beside it): this is that site again.
        maps.relinks.append((table_plan.name, soft, value, other, row[table_plan.pk]))
        return value, False
    return None, False


def _relink(maps: _Maps) -> int:
    """Link other sites' rows back to this site's (a letter forwarded between them, whose other end was cut
    when this site was deleted); returns how many. Their update times are kept: nobody changed them."""
    linked = 0
    for name, soft, other_id, other_site, old_id in maps.relinks:
        new_id = maps.rows[name].get(old_id)
        target = db.metadata.tables[soft.table]
        if new_id is None:
            continue
        kept = {c.name: c for c in target.c if c.onupdate is not None}
        linked += db.session.execute(update(target).where(
            target.c.id == other_id, target.c.tenant_id == other_site, target.c[soft.back_site].is_(None),
            target.c[soft.back] == old_id).values({soft.back_site: maps.new_site, soft.back: new_id, **kept})
        ).rowcount
    return linked


def _finish(plan: SitePlan, deferred: list, maps: _Maps, links: _Links) -> None:
    """The second pass: references to rows written after theirs, ids in JSON, links to the site's pages."""
    for name, new_id, _old_id, later in deferred:
        table_plan = plan.tables[name]
        changes = {}
        for column, value in later.items():
            ref = table_plan.refs.get(column)
            if ref is not None:
                new = maps.rows[ref.table].get(value)
                if new is not None:
                    changes[column] = new
                continue
            changed = value
            if (name, column) in JSON_REFERENCES:
                changed = _carry_json(JSON_REFERENCES[(name, column)][0], value, maps, links)
            elif (name, column) in TEXT_REFERENCES:
                changed = TEXT_REFERENCES[(name, column)][0](value, maps)
            elif links.has_links(value):
                changed = links.rewrite(value)
            if changed != value:
                changes[column] = changed
        if changes:
            table = table_plan.table
            # A column kept up to date on every change (updated_at) keeps the value the archive gave it.
            kept = {c.name: c for c in table.c if c.onupdate is not None and c.name not in changes}
            db.session.execute(update(table).where(table.c[table_plan.pk] == new_id).values(**changes, **kept))


def _carry_json(function, text: str, maps: _Maps, links: _Links) -> str:
    try:
        data = json.loads(text)
    except ValueError:
        return text
    data = _walk_links(function(data, maps), links)
    return json.dumps(data, ensure_ascii=False)


def _walk_links(data, links: _Links):
    if isinstance(data, str):
        return links.rewrite(data) if links.has_links(data) else data
    if isinstance(data, list):
        return [_walk_links(item, links) for item in data]
    if isinstance(data, dict):
        return {key: _walk_links(value, links) for key, value in data.items()}
    return data
