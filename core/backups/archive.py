"""One site as one archive: what belongs to a site, the archive's format, and the export.

A department's whole site — its record and domains, every row of every table
that holds site data, the accounts those rows name, and its uploaded files —
is written as one zip file that `core.backups.archive_import` reads back into
the same deployment (after the site was deleted) or into another one.

**What belongs to a site is read from the models, not listed here.** Every
mapped table with a `tenant_id` column is site data (`TenantScoped`), and so is
every table without one whose rows hang by a foreign key on rows of those (a
child table): its rows follow their parents. A table added later is therefore
in the archive with no change to this file. What is *not* moved is named, with
the reason, in `NOT_MOVED` and `PLATFORM_TABLES`, or by the table itself: a
module's platform table says so where it is declared, with
``__table_args__ = {"info": {"platform_data": "why"}}`` (see `platform_tables`), and a site table
of derived data with ``{"info": {"not_moved": "why"}}`` (see `not_moved`: the import's `SITE_IMPORTED`
hooks rebuild it);
tests/backups/test_archive_plan.py fails on a table that is neither site data
nor named.

**References.** A foreign key to `tenants.id` names the site itself (or, for a
letter forwarded between departments, another site: carried by its short name);
one to a site table names a row of the archive; one to `users.id` a person
(carried by user name); one to any other platform table (disclosure
categories and subjects, …) a row matched in the target by its natural key
(`NATURAL_KEYS`, else the table's unique columns). Ids kept without a foreign
key are declared in `SOFT_REFERENCES` or by the column itself
(``mapped_column(..., info={"soft_reference": SoftReference("row", "articles")})``), ids inside JSON in
`archive_import.JSON_REFERENCES`; the tests fail on an undeclared one.

**Personal data is sealed with a passphrase.** Columns encrypted at rest
(`core.privacy` EncryptedText) are read through their type, decrypted, so that
the archive imports wherever the PERSONAL_DATA_KEYS differ; they, the columns
that declare themselves personal (``info={"personal": "why"}``: a letter's
text, the name of a file an applicant sent, the lookup hashes, the audit
log's addresses; `protected_columns`), an account's e-mail and password hash
(`USER_PROTECTED`), and every file under the folders where the public's files
are kept (`core.privacy.crypto.PERSONAL_FOLDERS`) are written sealed with a
key made from the passphrase given at the export (`core.backups.archive_crypt`).
The import asks for it, refuses a wrong one before it writes anything, and
encrypts the values again with the target's keys. The keyed lookup hashes
are computed again by the import when the target's PERSONAL_DATA_INDEX_KEY
differs (the manifest carries a fingerprint of the key, never the key). The
file is written readable by its owner only (0600) all the same.

The format (`FORMAT_VERSION` 2) — a zip file holding:

- ``manifest.json``: the format and its version, the code's schema revision
  (the Alembic head), the export time, the site's record (slug, names,
  domains, settings, portal group), the other sites its rows name, and per
  member its row count, columns, the columns sealed ("protected") and SHA-256;
  per file its size, SHA-256 and whether it is sealed; "personal_data":
  "protected", and "protection": the key's making (scrypt's salt and cost)
  and the check that tells a wrong passphrase;
- ``data/<table>.jsonl``: the site's rows of each table, one JSON array a line
  (values in the manifest's column order; times as ISO 8601 text; a sealed
  value as base64 text);
- ``users.jsonl``: the accounts the rows name (`USER_FIELDS`; members carry their
  password hash, so they sign in after a move; others do not);
- ``platform/<table>.jsonl``: the platform rows the site's rows refer to;
- ``files/<path>``: the site's upload folder, as it is, but for the public's
  files, sealed (a part's size and SHA-256 are then the sealed bytes').

Format 1, written before the passphrase (personal data in clear, "personal_data":
"clear", no "protection"), is still read: its values and files are taken as
they are, and the import says that the archive held personal data in clear.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import shutil
import zipfile
from base64 import b64encode
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from flask import current_app
from sqlalchemy import Table, UniqueConstraint, event, or_, select
from sqlalchemy.orm import Session

from core.backups.archive_crypt import ArchiveKey, value_place
from core.extensions import db
from core.privacy.crypto import PERSONAL_FOLDERS, is_personal
from core.timeutil import now
from tenants.models import Tenant
from tenants.provisioning import upload_folder

FORMAT = "govsites.site-archive"
#: The archive layout this code writes; it reads this one and older ones (1: personal data in clear).
FORMAT_VERSION = 2
MANIFEST = "manifest.json"
USERS_MEMBER = "users.jsonl"
#: The site's own record: written to the manifest ("site") and made again by the import, not copied as rows.
SITE_RECORD = ("tenants", "tenant_domains")
#: Tables with a `tenant_id` that are not moved with the site, and why.
NOT_MOVED = {
    "user_sessions": "sign-in sessions: secrets of one deployment, which a move ends (people sign in again)",
}


def not_moved(metadata=None) -> dict[str, str]:
    """Every site table an archive leaves out, with why: `NOT_MOVED`, and the tables whose declaration says
    ``info={"not_moved": "why"}`` (derived data the import rebuilds, e.g. the search entries)."""
    metadata = metadata if metadata is not None else db.metadata
    found = dict(NOT_MOVED)
    found.update({name: table.info["not_moved"] for name, table in metadata.tables.items()
                  if table.info.get("not_moved")})
    return found
#: Tables that are the platform's, not a site's (neither a `tenant_id` nor a foreign key to a site's rows), and why.
#: A table that is none of these and no site data fails tests/backups/test_archive_plan.py: say which it is.
PLATFORM_TABLES = {
    "users": "people are global; those a site's rows name are moved by user name (users.jsonl)",
    "password_history": "a person's old password hashes: the account's, kept where the account is",
    "inbox_messages": "a person's messages from the platform (training, alerts), not a site's",
    "platform_audit_entries": "the platform's own log (the export, import and deletion are recorded there)",
    "site_groups": "the portal's headings: the site's group is carried by its key",
    "mandatory_sections": "the platform's section set: a site's sections name theirs by key",
    "disclosure_categories": "the platform's lists: matched by name in the target",
    "disclosure_subjects": "the platform's lists: matched by name in the target",
    "calendar_days": "the city's working-day calendar",
    "calendar_years": "the city's working-day calendar",
    "job_runs": "the scheduler's record of its runs",
    "scheduler_leases": "the scheduler's lease",
    "registry_versions": "counters every worker reads (bumped by the import)",
    "platform_settings": "platform-wide switches",
}


def platform_tables(metadata=None) -> dict[str, str]:
    """Every platform table by name with the reason it is not a site's: `PLATFORM_TABLES`, and the tables whose
    declaration says ``info={"platform_data": "why"}`` (a module's own platform tables, declared where they are)."""
    metadata = metadata if metadata is not None else db.metadata
    found = dict(PLATFORM_TABLES)
    found.update({name: table.info["platform_data"] for name, table in metadata.tables.items()
                  if table.info.get("platform_data")})
    return found


#: How a platform row referred to by id is found in another deployment, when its table has no unique column.
NATURAL_KEYS = {
    "disclosure_categories": ("name_zh",),
    "disclosure_subjects": ("name_zh",),
}
#: The account fields that travel with a person (its last sign-in too: the security checks would call a moved
#: account "never signed in"). Never a platform role or a two-step secret: a site's
#: archive gives nobody the bureau's rights, and two-step login is set up again in the target.
USER_FIELDS = ("username", "display_name", "language", "email", "password_hash", "must_change_password",
               "is_locked", "created_at", "password_changed_at", "last_login_at")
#: The account fields sealed with the passphrase: a person's address, and what a password could be guessed from.
USER_PROTECTED = ("email", "password_hash")


def protected_columns(table: Table) -> list[str]:
    """The columns of a site table an archive seals with its passphrase, in the table's order: those encrypted at
    rest and those declared personal (`core.privacy.crypto.is_personal`)."""
    return [column.name for column in table.c if is_personal(column)]


def is_personal_file(relative: str) -> bool:
    """Whether a file of a site's folder (its path under it, with "/") is one the public sent: sealed in an
    archive."""
    return relative.split("/", 1)[0] in PERSONAL_FOLDERS and "/" in relative


@dataclass(frozen=True)
class SoftReference:
    """An id kept without a foreign key (an old row's id that may be gone, or another site's row).

    `kind` is "row" (a row of `table` in the archive; dropped when it is not there), "user" (an account
    moved with the site; dropped otherwise: the entry keeps the user name beside it), or "other_site_row"
    (a row of `table` on the site named by the column `site`: kept only when that site is in the target
    and its row still points back at this one through `back`, its column `back_site` naming no site — the
    site it pointed at was deleted — or this one).
    """

    kind: str
    table: str | None = None
    site: str | None = None
    back: str | None = None
    back_site: str | None = None


#: (table, column) -> what an id column without a foreign key refers to. A column ending in _id without a
#: foreign key and not listed here fails tests/backups/test_archive_plan.py.
SOFT_REFERENCES = {
    ("audit_entries", "user_id"): SoftReference("user"),
    ("service_catalogue_requests", "item_id"): SoftReference("row", "service_items"),
    ("service_materials", "blank_form_id"): SoftReference("row", "service_forms"),
    ("interaction_letters", "forwarded_letter_id"): SoftReference(
        "other_site_row", "interaction_letters", site="forwarded_to_id", back="forwarded_from_letter_id",
        back_site="forwarded_from_id"),
    ("interaction_letters", "forwarded_from_letter_id"): SoftReference(
        "other_site_row", "interaction_letters", site="forwarded_from_id", back="forwarded_letter_id",
        back_site="forwarded_to_id"),
}


class ArchivePlanError(RuntimeError):
    """The models hold something the archive cannot carry (a programming error, caught by the tests)."""


@dataclass(frozen=True)
class Ref:
    """What a column's value names: "site" (a site: this one or another), "row" (a row of `table` in the
    archive), "user" (an account), "platform" (a platform row of `table`), or "soft" (an id without a
    foreign key, `soft` saying what it names; the audit log's user is not moved for it)."""

    kind: str
    table: str | None = None
    soft: SoftReference | None = None


@dataclass
class TablePlan:
    """One table of site data: how its rows are chosen and what its columns refer to."""

    table: Table
    #: The single integer primary key the import numbers anew; None when the key is kept as it is.
    pk: str | None
    refs: dict[str, Ref] = field(default_factory=dict)
    #: For a table without tenant_id: (column, parent table) of the foreign keys its rows hang by.
    parents: list[tuple[str, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def owned(self) -> bool:
        """The table has its own tenant_id (otherwise its rows follow their parents')."""
        return "tenant_id" in self.table.c

    @property
    def self_refs(self) -> list[str]:
        """Columns naming another row of the same table (a section's parent)."""
        return [c for c, ref in self.refs.items() if ref.kind == "row" and ref.table == self.name]


@dataclass
class SitePlan:
    """Every table of site data in the order the import writes them (a row after those it names)."""

    tables: dict[str, TablePlan]
    #: Platform tables the site's rows refer to by id (users and tenants aside), with their natural key.
    platform: dict[str, tuple[str, ...]]

    def row_order(self) -> list[TablePlan]:
        return list(self.tables.values())


def _refers_to(column, table: str, target_column: str = "id") -> bool:
    return any(fk.column.table.name == table and fk.column.name == target_column for fk in column.foreign_keys)


def natural_key(table: Table) -> tuple[str, ...]:
    """The columns that name a platform row in any deployment: NATURAL_KEYS, else its first unique column(s).

    :raises ArchivePlanError: when the table has neither.
    """
    if table.name in NATURAL_KEYS:
        return NATURAL_KEYS[table.name]
    for column in table.c:
        if column.unique and not column.primary_key:
            return (column.name,)
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            return tuple(c.name for c in constraint.columns)
    raise ArchivePlanError(f"{table.name}: a site's rows refer to it by id, but it has no natural key: "
                           f"add one to NATURAL_KEYS")


def site_plan(metadata=None) -> SitePlan:
    """What a site's archive holds, read from the models' metadata (every table with a tenant_id, and the
    tables whose rows hang on theirs), in the order rows can be written back.

    :raises ArchivePlanError: on a reference the archive cannot carry (no natural key, a cycle of foreign keys).
    """
    metadata = metadata if metadata is not None else db.metadata
    tables = metadata.tables
    skipped = set(SITE_RECORD) | set(not_moved(metadata))
    members = {name for name, table in tables.items()
               if name not in skipped and "tenant_id" in table.c and _refers_to(table.c.tenant_id, "tenants")}
    grown = True
    while grown:  # the child tables, and theirs
        grown = False
        for name, table in tables.items():
            if name in members or name in skipped or "tenant_id" in table.c:
                continue
            if any(fk.column.table.name in members for fk in table.foreign_keys):
                members.add(name)
                grown = True
    plans: dict[str, TablePlan] = {}
    platform: dict[str, tuple[str, ...]] = {}
    for name in sorted(members):
        table = tables[name]
        pk_columns = list(table.primary_key.columns)
        pk = pk_columns[0].name if len(pk_columns) == 1 and _python_type(pk_columns[0]) is int else None
        plan = TablePlan(table, pk)
        for column in table.c:
            ref = _column_ref(name, column, members, tables)
            if ref is None:
                continue
            plan.refs[column.name] = ref
            if ref.kind == "platform":
                platform[ref.table] = natural_key(tables[ref.table])
                if tables[ref.table].foreign_keys:
                    raise ArchivePlanError(f"{ref.table}: a platform table that refers to others cannot be matched")
            if ref.kind == "row" and "tenant_id" not in table.c:
                plan.parents.append((column.name, ref.table))
        plans[name] = plan
    order = TopologicalSorter()
    for name, plan in plans.items():
        order.add(name, *sorted({ref.table for ref in plan.refs.values()
                                 if ref.kind == "row" and ref.table != name}))
    try:
        ordered = list(order.static_order())
    except CycleError as error:
        raise ArchivePlanError(f"the site's tables refer to each other in a cycle: {error.args[1]}") from None
    return SitePlan({name: plans[name] for name in ordered}, platform)


def _column_ref(name: str, column, members: set[str], tables) -> Ref | None:
    """What one column of a site table names, or None for a plain value."""
    soft = SOFT_REFERENCES.get((name, column.name)) or column.info.get("soft_reference")
    if soft is not None:
        return Ref("soft", soft.table, soft)
    targets = {(fk.column.table.name, fk.column.name) for fk in column.foreign_keys}
    if not targets:
        return None
    if ("tenants", "id") in targets:
        return Ref("site")
    rows = sorted(t for t, c in targets if t in members and list(tables[t].primary_key.columns.keys()) == [c])
    if rows:
        return Ref("row", rows[0])
    if ("users", "id") in targets:
        return Ref("user")
    target = sorted(targets)[0][0]
    if target in members:
        return None  # a key to another column of a site row (its tenant_id, as part of a pair): the site's
    return Ref("platform", target)


def _python_type(column):
    try:
        return column.type.python_type
    except NotImplementedError:
        return None


# --- values as JSON --------------------------------------------------------------------------------

def encode(value):
    """A column value as JSON: times and dates as ISO 8601 text, bytes as base64, decimals as text."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return b64encode(bytes(value)).decode("ascii")
    return value


def rows_where(plan: SitePlan, name: str, tenant_id: int):
    """The condition that picks the site's rows of one table (its own tenant_id, or its parents')."""
    table_plan = plan.tables[name]
    table = table_plan.table
    if table_plan.owned:
        return table.c.tenant_id == tenant_id
    alternatives = []
    for column, parent in table_plan.parents:
        parent_plan = plan.tables[parent]
        alternatives.append(table.c[column].in_(select(parent_plan.table.c[parent_plan.pk])
                                                .where(rows_where(plan, parent, tenant_id))))
    return or_(*alternatives)


# --- the schema revision ---------------------------------------------------------------------------

def migrations_folder() -> Path:
    return Path(current_app.root_path) / "migrations"


def _scripts():
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(migrations_folder()))


def schema_head() -> str:
    """The schema revision the code is at (the Alembic head)."""
    return _scripts().get_current_head()


def known_revisions() -> set[str]:
    """Every revision the code knows: archives made at any of them can be read."""
    return {script.revision for script in _scripts().walk_revisions()}


def database_revision() -> str | None:
    """The revision the database is at (None when it was never migrated)."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(db.session.connection()).get_current_revision()


def index_key_fingerprint() -> str:
    """Names the lookup-hash key without revealing it: equal fingerprints, equal hashes."""
    key = current_app.config["PERSONAL_DATA_INDEX_KEY"].encode("utf-8")
    return hmac.new(key, b"govsites site archive: lookup hash key", hashlib.sha256).hexdigest()[:32]


# --- the site's record -----------------------------------------------------------------------------

#: Tenant columns the archive does not carry as they are: the id (new), the group (by its key).
_TENANT_SKIPPED = ("id", "group_id")


def site_record(tenant: Tenant, connection=None) -> dict:
    """The site's row, its domains and its portal group, as the manifest keeps them."""
    table = Tenant.__table__
    row = (connection or db.session).execute(select(table).where(table.c.id == tenant.id)).mappings().one()
    group = None
    if tenant.group is not None:
        group = {"key": tenant.group.key, "name_zh": tenant.group.name_zh, "name_en": tenant.group.name_en,
                 "position": tenant.group.position}
    return {"id": tenant.id, "slug": tenant.slug, "name_zh": tenant.name_zh, "name_en": tenant.name_en,
            "domains": [{"hostname": d.hostname, "is_primary": d.is_primary} for d in tenant.domains],
            "group": group,
            "fields": {k: encode(v) for k, v in row.items() if k not in _TENANT_SKIPPED}}


# --- writing the archive ---------------------------------------------------------------------------

@dataclass
class ExportResult:
    """What `export_site` wrote: the file, its size in bytes, rows per table, files and accounts."""

    path: Path
    size: int
    rows: dict[str, int]
    files: int
    users: int
    #: Values and files sealed with the passphrase.
    sealed_values: int = 0
    sealed_files: int = 0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


class _Member:
    """A member of the zip being written, hashed as it goes; the values of its `protected` columns sealed."""

    def __init__(self, archive: zipfile.ZipFile, name: str, columns: list[str], key: ArchiveKey,
                 protected: list[str] = ()):
        self.name = name
        self._stream = archive.open(name, "w", force_zip64=True)
        self._hash = hashlib.sha256()
        self.rows = self.sealed = 0
        self.columns, self.protected, self._key = columns, list(protected), key
        self._sealed = [(columns.index(c), value_place(name, c)) for c in self.protected]

    def line(self, values: list) -> None:
        for index, place in self._sealed:
            if values[index] is not None:
                values[index] = self._key.seal_value(values[index], place)
                self.sealed += 1
        data = json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
        self._hash.update(data)
        self._stream.write(data)
        self.rows += 1

    def close(self, **extra) -> dict:
        self._stream.close()
        return {"member": self.name, "rows": self.rows, "sha256": self._hash.hexdigest(), "columns": self.columns,
                "protected": self.protected, **extra}


def site_files(tenant_id: int) -> list[tuple[str, Path]]:
    """The site's uploaded files: (path under its folder, with "/", the file), in name order.

    Every file of the folder is the site's (attachments, forms, applicants' and writers' files, the logo,
    the files only a revision still names); files half-written (".…part") are left out.
    """
    folder = upload_folder(tenant_id)
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink() and not path.name.startswith("."):
            found.append((path.relative_to(folder).as_posix(), path))
    return found


def _write_open(path: Path):
    """A new file only its owner reads (0600): the archive is the site's whole record, its personal data sealed."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(descriptor, "wb")


def write_archive(tenant: Tenant, destination: Path, passphrase: str) -> ExportResult:
    """Write the site's archive to `destination`, its personal data sealed with a key made from `passphrase`
    (checked by the caller: `archive_crypt.passphrase_problem`): under a temporary name beside it, renamed when
    complete.

    Reads the site's rows in every table of `site_plan()` by its id, with no site active, in one
    transaction of its own (repeatable read on PostgreSQL, a snapshot on SQLite's WAL: the rows agree
    with each other while the site is being written), then its upload folder. Not an operation:
    `export_site` is (it records who took the site's data).

    :raises OSError: the destination cannot be written (nothing is left behind).
    """
    if db.engine.dialect.name == "sqlite":
        # The driver begins a transaction only before a write: begin the read transaction by hand.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("BEGIN")
            try:
                return _write_archive(tenant, Path(destination), connection, passphrase)
            finally:
                connection.exec_driver_sql("ROLLBACK")
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection, connection.begin():
        return _write_archive(tenant, Path(destination), connection, passphrase)


def _write_archive(tenant: Tenant, destination: Path, connection, passphrase: str) -> ExportResult:
    plan = site_plan()
    partial = destination.with_name(f".{destination.name}.{os.getpid()}.part")
    tenant_id = tenant.id
    key, protection = ArchiveKey.new(passphrase, int(current_app.config["SITE_ARCHIVE_KDF_COST"]))
    manifest: dict = {"format": FORMAT, "format_version": FORMAT_VERSION, "schema_revision": schema_head(),
                      "exported_at": now().isoformat(timespec="seconds"), "personal_data": "protected",
                      "protection": protection, "index_key": index_key_fingerprint(),
                      "site": site_record(tenant, connection),
                      "tables": {}, "other_sites": {}, "users": None, "platform": {}, "files": {}}
    user_ids: set[int] = set()
    members: set[int] = set()
    platform_ids: dict[str, set] = {name: set() for name in plan.platform}
    other_sites: set[int] = set()
    rows: dict[str, int] = {}
    sealed = 0
    try:
        with _write_open(partial) as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED,
                                                              compresslevel=6) as archive:
            for name, table_plan in plan.tables.items():
                table = table_plan.table
                columns = [c.name for c in table.c]
                member = _Member(archive, f"data/{name}.jsonl", columns, key, protected_columns(table))
                query = select(table).where(rows_where(plan, name, tenant_id))
                if table_plan.pk:
                    query = query.order_by(table.c[table_plan.pk])
                result = connection.execute(query.execution_options(yield_per=1000))
                for row in result:
                    values = row._mapping
                    for column, ref in table_plan.refs.items():
                        value = values[column]
                        if value is None:
                            continue
                        if ref.kind == "user":
                            user_ids.add(value)
                        elif ref.kind == "platform":
                            platform_ids[ref.table].add(value)
                        elif ref.kind == "site" and value != tenant_id:
                            other_sites.add(value)
                    if name == "memberships":
                        members.add(values["user_id"])
                    member.line([encode(values[c]) for c in columns])
                manifest["tables"][name] = member.close()
                rows[name] = manifest["tables"][name]["rows"]
                sealed += member.sealed
            manifest["users"], sealed_users = _write_users(archive, user_ids, members, connection, key)
            sealed += sealed_users
            for name, ids in platform_ids.items():
                manifest["platform"][name] = _write_platform(archive, name, plan.platform[name], ids, connection,
                                                             key)
            if other_sites:
                manifest["other_sites"] = {str(site_id): slug for site_id, slug in connection.execute(
                    select(Tenant.id, Tenant.slug).where(Tenant.id.in_(other_sites)))}
            sealed_files = 0
            for relative, path in site_files(tenant_id):
                manifest["files"][relative] = _write_file(archive, relative, path, key)
                sealed_files += manifest["files"][relative]["protected"]
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return ExportResult(destination, destination.stat().st_size, rows, len(manifest["files"]),
                        manifest["users"]["rows"], sealed, sealed_files)


def _write_file(archive: zipfile.ZipFile, relative: str, path: Path, key: ArchiveKey) -> dict:
    """One file of the site's folder as a part: as it is, or, one the public sent, sealed whole (such files are
    at most a form's upload limit, so they are read into memory)."""
    name = f"files/{relative}"
    if is_personal_file(relative):
        data = key.seal_bytes(path.read_bytes(), name)
        archive.writestr(name, data, compress_type=zipfile.ZIP_STORED)  # sealed bytes do not compress
        return {"member": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "protected": True}
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as source, archive.open(name, "w", force_zip64=True) as target:
        while chunk := source.read(1024 * 1024):
            digest.update(chunk)
            target.write(chunk)
            size += len(chunk)
    return {"member": name, "size": size, "sha256": digest.hexdigest(), "protected": False}


def _write_users(archive: zipfile.ZipFile, user_ids: set[int], members: set[int], connection,
                 key: ArchiveKey) -> tuple[dict, int]:
    """The accounts the site's rows name; only members carry their password hash (they sign in after a move).
    Returns the part's entry and how many values were sealed."""
    from core.auth.models import User

    table = User.__table__
    columns = ["id", *USER_FIELDS]
    member = _Member(archive, USERS_MEMBER, columns, key, USER_PROTECTED)
    if user_ids:
        for row in connection.execute(select(*(table.c[c] for c in columns)).where(table.c.id.in_(user_ids))
                                      .order_by(table.c.id)):
            values = dict(row._mapping)
            if values["id"] not in members:
                values["password_hash"] = None  # named by the rows (an author who left): no sign-in is moved
            member.line([encode(values[c]) for c in columns])
    return member.close(), member.sealed


def _write_platform(archive: zipfile.ZipFile, name: str, natural: tuple[str, ...], ids: set, connection,
                    key: ArchiveKey) -> dict:
    table = db.metadata.tables[name]
    columns = [c.name for c in table.c]
    pk = list(table.primary_key.columns)[0]
    member = _Member(archive, f"platform/{name}.jsonl", columns, key)  # the platform's lists: nobody's data
    if ids:
        for row in connection.execute(select(table).where(pk.in_(ids)).order_by(pk)):
            member.line([encode(row._mapping[c]) for c in columns])
    return member.close(key=list(natural))


# --- files removed once the deletion commits -------------------------------------------------------

_REMOVE_AFTER_COMMIT = "govsites.backups.remove_after_commit"


def remove_after_commit(path: Path) -> None:
    """Remove a folder once the session's transaction commits (never if it rolls back)."""
    db.session().info.setdefault(_REMOVE_AFTER_COMMIT, []).append(Path(path))


@event.listens_for(Session, "after_commit")
def _remove_committed(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return
    for path in session.info.pop(_REMOVE_AFTER_COMMIT, []):
        shutil.rmtree(path, ignore_errors=True)


@event.listens_for(Session, "after_rollback")
def _keep_rolled_back(session: Session) -> None:
    if session.get_nested_transaction() is None:
        session.info.pop(_REMOVE_AFTER_COMMIT, None)


#: What an exported archive is called: the site, the time, and the kind of file.
ARCHIVE_NAME = re.compile(r"^[a-z][a-z0-9-]{1,31}-\d{8}-\d{4}\.site\.zip$")


def archive_name(slug: str) -> str:
    return f"{slug}-{now().strftime('%Y%m%d-%H%M')}.site.zip"
