"""The two databases: a consistent copy while sites are being written, a scratch restore to check it, the restore.

SQLite: Python's online backup API copies the file page by page from a
connection that holds one read transaction open for the whole copy, so the
copy is the database as it was at one moment (WAL mode lets writers go on
meanwhile, and nothing restarts the copy). The copy is checksummed, switched
out of WAL mode (one self-contained file) and gzipped.

PostgreSQL: ``pg_dump -Fc`` reads a snapshot exported by a REPEATABLE READ
transaction of our own, and the same transaction counts and checksums the
tables, so the manifest describes exactly the rows in the dump. The client
programs must be of the server's major version (BACKUP_PG_BIN_DIR names their
folder when PATH has another); the password goes in PGPASSWORD, never on a
command line (which every user of the host can read).
"""
from __future__ import annotations

import gzip
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from core.backups.checksums import reflect, schema_revision, table_checksums
from core.backups.errors import BackupError
from core.extensions import db
from jobs import progress

#: Pages the SQLite backup copies per step (between steps the progress bar moves).
PAGES_PER_STEP = 2048
#: gzip level of the SQLite copy: 6 (zlib's default) halves the time of 9 for a file a few per cent larger.
GZIP_LEVEL = 6
CHUNK = 1024 * 1024
#: SQLSTATE codes the scratch database's statements are told apart by.
INSUFFICIENT_PRIVILEGE = "42501"
OBJECT_IN_USE = "55006"
#: How many times the scratch database's DROP is tried while its ended connections go away.
DROP_ATTEMPTS = 5
#: Called with the id of the snapshot a PostgreSQL backup reads, while the backup's transaction still holds it:
#: a backup drill (deploy/drill.py) imports it (core.backups.checksums.import_snapshot) to read the source as
#: of the backup's moment on a connection of its own. Empty unless a drill runs; an observer that raises fails
#: the backup.
SNAPSHOT_OBSERVERS: list[Callable[[str], None]] = []


def for_current_app() -> SqliteDatabase | PostgresDatabase:
    """The configured database's engine: SQLite or PostgreSQL (from SQLALCHEMY_DATABASE_URI)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        return SqliteDatabase(url)
    if url.get_backend_name() == "postgresql":
        return PostgresDatabase(url)
    raise BackupError("unsupported", kind=url.get_backend_name())


def for_kind(kind: str) -> type:
    return {"sqlite": SqliteDatabase, "postgresql": PostgresDatabase}[kind]


def _copy_bytes(source, target, bar) -> None:
    while chunk := source.read(CHUNK):
        target.write(chunk)
        bar.advance(len(chunk))


# --- SQLite ---------------------------------------------------------------------------------------------


class SqliteDatabase:
    kind = "sqlite"
    dump_name = "database.sqlite3.gz"

    def __init__(self, url: URL):
        if not url.database or url.database == ":memory:" or url.database.startswith("file::memory:"):
            raise BackupError("sqlite_memory")
        self.path = Path(url.database)

    def snapshot(self, folder: Path) -> dict:
        """Copy the database into `folder` (gzipped, as `dump_name`); return its checksums and revision.

        :raises BackupError: when the file is missing or cannot be read.
        """
        if not self.path.is_file():
            raise BackupError("sqlite_missing", path=str(self.path))
        copy = folder / "database.sqlite3"
        source = sqlite3.connect(self.path, isolation_level=None, timeout=60)
        try:
            source.execute("PRAGMA busy_timeout=60000")
            # One read transaction for the whole copy: every step reads the same snapshot, and writers in
            # other processes (WAL) neither wait for the copy nor make it start again.
            source.execute("BEGIN")
            source.execute("SELECT count(*) FROM sqlite_master").fetchone()
            page_size = source.execute("PRAGMA page_size").fetchone()[0]
            pages = source.execute("PRAGMA page_count").fetchone()[0]
            target = sqlite3.connect(copy)
            try:
                with progress.phase(_l("Copying the database"), total=pages * page_size, unit="bytes") as bar:
                    def step(_status, remaining, total):
                        bar.advance((total - remaining) * page_size - bar.done)

                    source.backup(target, pages=PAGES_PER_STEP, progress=step)
            finally:
                target.close()
            source.execute("COMMIT")
        finally:
            source.close()
        found = _sqlite_checksums(copy)
        _self_contained(copy)
        raw = copy.stat().st_size
        with progress.phase(_l("Compressing the database copy"), total=raw, unit="bytes") as bar, \
                copy.open("rb") as plain, gzip.open(folder / self.dump_name, "wb", compresslevel=GZIP_LEVEL) as packed:
            _copy_bytes(plain, packed, bar)
        copy.unlink()
        return {**found, "database": {"kind": self.kind, "file": self.dump_name, "raw_bytes": raw,
                                      "sqlite_version": sqlite3.sqlite_version}}

    @staticmethod
    @contextmanager
    def scratch(dump: Path, work: Path) -> Iterator[Engine]:
        """The backup's database as a temporary SQLite file in `work`, removed afterwards.

        :raises BackupError: ("database_unreadable") when the copy cannot be decompressed.
        """
        path = work / f".verify-{secrets.token_hex(6)}.sqlite3"
        engine = None
        try:
            _gunzip(dump, path)
            engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)
            yield engine
        finally:
            if engine is not None:
                engine.dispose()
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

    def restore(self, dump: Path, manifest: dict, check) -> Path:
        """Put the backup's database in place of the configured file; return where the previous one was kept.

        The copy is decompressed next to the database and checked (`check(engine)` raises when it differs
        from the manifest) before anything is touched; the live file is checkpointed, kept as
        ``<file>.before-restore-<time>`` and replaced by a rename. No other process may have the database
        open meanwhile (the web server, the scheduler): they would go on writing to the old file.
        """
        incoming = self.path.with_name(f".{self.path.name}.restore-{secrets.token_hex(4)}")
        try:
            _gunzip(dump, incoming)
            engine = create_engine(f"sqlite:///{incoming}", poolclass=NullPool)
            try:
                check(engine)
            finally:
                engine.dispose()
            _self_contained(incoming)
            db.session.remove()
            db.engine.dispose()
            kept = self.path.with_name(f"{self.path.name}.before-restore-{time.strftime('%Y%m%d-%H%M%S')}")
            if self.path.exists():
                with sqlite3.connect(self.path) as live:
                    live.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                live.close()
                os.replace(self.path, kept)
            for suffix in ("-wal", "-shm", "-journal"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            os.replace(incoming, self.path)
            return kept
        finally:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{incoming}{suffix}").unlink(missing_ok=True)


def _sqlite_checksums(path: Path) -> dict:
    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return {**table_checksums(connection), "schema_revision": schema_revision(connection)}
    finally:
        engine.dispose()


def _self_contained(path: Path) -> None:
    """Leave the SQLite file in rollback-journal mode, its WAL folded in: one file that holds everything."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=DELETE")
    finally:
        connection.close()


def _gunzip(dump: Path, path: Path) -> None:
    try:
        with progress.phase(_l("Decompressing the database copy"), total=dump.stat().st_size, unit="bytes") as bar, \
                dump.open("rb") as raw, gzip.GzipFile(fileobj=raw) as packed, path.open("wb") as plain:
            while chunk := packed.read(CHUNK):
                plain.write(chunk)
                bar.advance(raw.tell() - bar.done)
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise BackupError("database_unreadable", detail=str(error) or type(error).__name__) from error


# --- PostgreSQL -----------------------------------------------------------------------------------------


VERSION = re.compile(r"(\d+)(?:\.(\d+))?")
CLIENT_VERSION = re.compile(r"\)\s*(\d+)(?:\.(\d+))?")


class PostgresDatabase:
    kind = "postgresql"
    dump_name = "database.pgdump"

    def __init__(self, url: URL):
        self.url = url

    # the client programs

    def environment(self, database: str | None = None) -> dict[str, str]:
        """The libpq variables for the client programs: the connection, password included, never on a command line."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        url = self.url
        pairs = {"PGHOST": url.host, "PGPORT": url.port, "PGUSER": url.username, "PGPASSWORD": url.password,
                 "PGDATABASE": database or url.database}
        for key, value in url.query.items():  # ?host=/run/postgresql, ?sslmode=require, …
            value = value[0] if isinstance(value, tuple) else value
            name = {"host": "PGHOST", "port": "PGPORT", "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT",
                    "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY", "application_name": "PGAPPNAME"}.get(key)
            if name:
                pairs[name] = value
        env.update({k: str(v) for k, v in pairs.items() if v not in (None, "")})
        return env

    def program(self, name: str, server_version: str) -> str:
        """The path of client program `name` of the server's major version.

        :param server_version: the server's ``SHOW server_version``.
        :raises BackupError: "pg_client_missing" when not found, "pg_client_mismatch" when its major version
            is not the server's (naming both versions).
        """
        folder = str(current_app.config.get("BACKUP_PG_BIN_DIR") or "").strip()
        path = shutil.which(name, path=folder) if folder else shutil.which(name)
        server_major = VERSION.match(server_version).group(1)
        where = folder or "PATH"
        if path is None:
            raise BackupError("pg_client_missing", program=name, where=where, server=server_version,
                              server_major=server_major)
        try:
            said = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
        except OSError as error:
            raise BackupError("pg_client_missing", program=path, where=where, server=server_version,
                              server_major=server_major) from error
        found = CLIENT_VERSION.search(said) or VERSION.search(said)  # "pg_dump (PostgreSQL) 16.4 (Debian …)"
        client = ".".join(g for g in found.groups() if g) if found else said.strip()[:60]
        if not found or found.group(1) != server_major:
            raise BackupError("pg_client_mismatch", program=path, client=client or "?", server=server_version,
                              server_major=server_major)
        return path

    def _run(self, args: list[str], *, label, database: str | None = None, stdin_text: str = "",
             stdin_from=None) -> None:
        """Run a client program to its end, feeding it `stdin_text` then what `stdin_from` yields (a pipe).

        :raises BackupError: ("pg_tool_failed") with the last line it wrote to standard error.
        """
        feeding = bool(stdin_text) or stdin_from is not None
        with _error_log() as err:
            process = subprocess.Popen(args, env=self.environment(database), stdout=subprocess.DEVNULL, stderr=err,
                                       stdin=subprocess.PIPE if feeding else subprocess.DEVNULL)
            try:
                with progress.phase(label, total=None, unit="bytes") as bar:
                    if feeding:
                        try:
                            process.stdin.write(stdin_text.encode())
                            while stdin_from is not None and (chunk := stdin_from.read(CHUNK)):
                                process.stdin.write(chunk)
                                bar.advance(len(chunk))
                            process.stdin.close()
                        except BrokenPipeError:
                            pass  # it stopped reading: its exit status and message say why
                    process.wait()
            except BaseException:
                process.kill()
                process.wait()
                raise
            _raise_on_failure(process, Path(args[0]).name, err)

    def _server_version(self, connection) -> str:
        return connection.exec_driver_sql("SHOW server_version").scalar()

    # backup

    def snapshot(self, folder: Path) -> dict:
        """pg_dump -Fc into `folder` from a snapshot our own transaction holds and checksums; return the figures."""
        with db.engine.connect() as connection:
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            version = self._server_version(connection)
            on_disk = connection.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
            pg_dump = self.program("pg_dump", version)
            snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
            for observer in SNAPSHOT_OBSERVERS:
                observer(snapshot)
            target = folder / self.dump_name
            with _error_log() as err:
                process = subprocess.Popen([pg_dump, "-Fc", f"--snapshot={snapshot}", "--no-sync", "-f", str(target)],
                                           env=self.environment(), stdout=subprocess.DEVNULL, stderr=err,
                                           stdin=subprocess.DEVNULL)
                try:
                    # While pg_dump writes, the same snapshot is counted and checksummed here.
                    found = {**table_checksums(connection), "schema_revision": schema_revision(connection)}
                    with progress.phase(_l("Writing the database dump"), total=None, unit="bytes") as bar:
                        while process.poll() is None:
                            time.sleep(0.2)
                            if target.exists():
                                bar.advance(target.stat().st_size - bar.done)
                except BaseException:
                    process.kill()
                    process.wait()
                    raise
                _raise_on_failure(process, "pg_dump", err)
            connection.rollback()
        return {**found, "database": {"kind": self.kind, "file": self.dump_name, "raw_bytes": on_disk,
                                      "server_version": version}}

    # verify

    def _admin(self) -> Engine:
        return create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)

    @contextmanager
    def scratch(self, dump: Path, work: Path) -> Iterator[Engine]:
        """The backup restored into a scratch database ``<database>_verify_<random>``, dropped afterwards.

        The configured account creates and drops it, so it needs CREATEDB (production roles often lack it).

        :raises BackupError: when pg_restore fails (a damaged dump), the client does not match the server, the
            account may not create databases ("pg_no_createdb"), or the scratch database cannot be created or
            dropped.
        """
        name = f"{self.url.database}_verify_{secrets.token_hex(4)}"[-63:]
        admin = self._admin()
        engine = None
        created = failed = False
        try:
            with admin.connect() as connection:
                pg_restore = self.program("pg_restore", self._server_version(connection))
                self._create_scratch(connection, name)
                created = True
            try:
                self._run([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "-d", name, str(dump)],
                          database=name, label=_l("Restoring into a scratch database"))
            except BackupError as error:
                raise BackupError("database_unreadable", detail=error.params.get("detail", "")) from error
            engine = create_engine(self.url.set(database=name), poolclass=NullPool)
            yield engine
        except BaseException:
            failed = True
            raise
        finally:
            if engine is not None:
                engine.dispose()
            try:
                if created:
                    self._drop_scratch(admin, name)
            except BackupError as error:
                if not failed:
                    raise
                # The first failure is what the run reports; this one is left in the log, with the name to drop.
                current_app.logger.error("%s", error)
            finally:
                admin.dispose()

    def _create_scratch(self, connection, name: str) -> None:
        """CREATE DATABASE `name`, empty (from template0).

        :raises BackupError: "pg_no_createdb" when the account may not create databases (the usual production
            role), naming the account and the grant; "pg_scratch_failed" with the server's words otherwise.
        """
        user = connection.exec_driver_sql("SELECT current_user").scalar()  # the URL may name none (peer login)
        try:
            connection.execute(text(f"CREATE DATABASE {_quoted(name)} TEMPLATE template0"))
        except DBAPIError as error:
            if _sqlstate(error) == INSUFFICIENT_PRIVILEGE:
                raise BackupError("pg_no_createdb", user=user, database=self.url.database or "?") from error
            raise BackupError("pg_scratch_failed", name=name, detail=_server_words(error)) from error

    def _drop_scratch(self, admin: Engine, name: str) -> None:
        """Drop the scratch database, ending any connection still open to it first.

        Not ``DROP DATABASE … WITH (FORCE)``, which only PostgreSQL 13 and later understand: the connections
        (ours, of the same account) are ended with pg_terminate_backend, then the database is dropped.

        :raises BackupError: "pg_scratch_not_dropped", naming the database to drop by hand.
        """
        try:
            with admin.connect() as connection:
                connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                        "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
                for attempt in range(DROP_ATTEMPTS):
                    try:
                        connection.execute(text(f"DROP DATABASE IF EXISTS {_quoted(name)}"))
                        return
                    except DBAPIError as error:
                        # A terminated backend may take a moment to go ("being accessed by other users").
                        if _sqlstate(error) != OBJECT_IN_USE or attempt == DROP_ATTEMPTS - 1:
                            raise
                        time.sleep(0.2 * (attempt + 1))
        except DBAPIError as error:
            raise BackupError("pg_scratch_not_dropped", name=name, detail=_server_words(error)) from error

    # restore

    def restore(self, dump: Path, manifest: dict, check) -> None:
        """pg_restore --clean --if-exists into the configured database, in one transaction (psql -1).

        Tables the database has and the backup has not (added by a newer migration) are dropped in the same
        transaction, so `flask db upgrade` can create them again; any error rolls the whole restore back and
        the database is as it was. `check(engine)` then compares the restored rows with the manifest.
        """
        db.session.remove()
        db.engine.dispose()
        with self._admin().connect() as connection:
            version = self._server_version(connection)
            present = {t.name for t in reflect(connection)}
        pg_restore, psql = self.program("pg_restore", version), self.program("psql", version)
        leftover = sorted(present - set(manifest["tables"]))
        drops = "".join(f"DROP TABLE IF EXISTS {_quoted(t)} CASCADE;\n" for t in leftover)
        script = subprocess.Popen([pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "-f", "-",
                                   str(dump)], env=self.environment(), stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        try:
            self._run([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", "-"],
                      label=_l("Restoring the database"), stdin_text=drops, stdin_from=script.stdout)
        finally:
            script.stdout.close()
            script.wait()
        if script.returncode != 0:
            raise BackupError("pg_tool_failed", program="pg_restore", detail=f"exit status {script.returncode}")
        engine = create_engine(self.url, poolclass=NullPool)
        try:
            check(engine)
        finally:
            engine.dispose()


@contextmanager
def _error_log() -> Iterator:
    """A temporary file for a client program's standard error (a pipe could fill up and stall it)."""
    import tempfile

    with tempfile.TemporaryFile() as err:
        yield err


def _raise_on_failure(process, program: str, err) -> None:
    if process.returncode == 0:
        return
    err.seek(0)
    said = err.read().decode("utf-8", "replace").strip().splitlines()
    raise BackupError("pg_tool_failed", program=program,
                      detail=(said[-1] if said else f"exit status {process.returncode}")[:400])


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlstate(error: DBAPIError) -> str:
    """The server's SQLSTATE of a database error ("" when the driver gives none)."""
    return str(getattr(error.orig, "sqlstate", "") or getattr(error.orig, "pgcode", "") or "")


def _server_words(error: DBAPIError) -> str:
    """The server's own message, its first line (not SQLAlchemy's statement and background link)."""
    said = str(error.orig or error).strip().splitlines()
    return (said[0] if said else type(error).__name__)[:400]

