"""Benchmark: one site's archive — export, delete and import times and the archive's size, for the demo city's
biggest site.

    .venv/bin/python bench/site_archive.py                       # a fresh demo city on SQLite, in a temporary folder
    .venv/bin/python bench/site_archive.py --news-per-site 40
    .venv/bin/python bench/site_archive.py --database-url postgresql://…/scratch [--reset]   # an empty (or emptied)
                                                                                            # PostgreSQL database

The demo city is built in-process (`flask db upgrade`, then the demo loader with `--news-per-site`, 120 by
default as `flask demo load`), with its own upload folder and keys, so nothing touches instance/. The biggest
site is the one with the most rows in the archive's tables. It is exported (timed, the archive's size and its
parts counted, its personal data sealed with a passphrase), deleted (timed), imported again (timed), and its rows counted again: the figures are printed
only when the import gave back as many rows of every table and as many files. Not a test: it exits 1 only
when it cannot give a trustworthy figure.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
#: The archive's passphrase (its key is made at the default SITE_ARCHIVE_KDF_COST: the times include that, twice).
PASSPHRASE = "bench passphrase of the site archive"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--news-per-site", type=int, default=120)
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite in the temporary folder)")
    parser.add_argument("--reset", action="store_true", help="empty the PostgreSQL database first (a scratch one!)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    options = parser.parse_args()
    if options.reset and options.database_url:
        _empty(options.database_url)

    from cryptography.fernet import Fernet
    from flask_migrate import upgrade
    from sqlalchemy import func, inspect, select

    from core import create_app
    from core.backups.archive import site_files, site_plan
    from core.backups.archive_import import import_site
    from core.backups.archive_sites import delete_site, export_site
    from core.content.labels import human_size
    from core.demo.loader import load_city
    from core.extensions import db
    from tenants.models import Tenant

    folder = Path(tempfile.mkdtemp(prefix="govsites-bench-archive-"))
    url = options.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "UPLOAD_FOLDER": str(folder / "uploads"),
                      "PERSONAL_DATA_KEYS": (Fernet.generate_key().decode("ascii"),),
                      "PERSONAL_DATA_INDEX_KEY": "bench-index-key", "DEMO_ACCOUNTS_FILE": str(folder / "accounts.csv"),
                      "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024})
    try:
        with app.app_context():
            if inspect(db.engine).get_table_names():
                print(f"{url} is not empty: give an empty database", file=sys.stderr)
                return 1
            started = time.perf_counter()
            upgrade()
            load_city(today=date.today(), seed=1, news_per_site=options.news_per_site, echo=lambda *_: None,
                      accounts=[])
            db.session.commit()
            print(f"demo city: {db.session.execute(select(func.count()).select_from(Tenant)).scalar()} sites, "
                  f"{options.news_per_site} news per site, built in {time.perf_counter() - started:.0f} s "
                  f"({db.engine.dialect.name})")

            plan = site_plan()
            totals: dict[int, int] = {}
            for table_plan in plan.tables.values():
                if table_plan.owned:
                    table = table_plan.table
                    for tenant_id, count in db.session.execute(
                            select(table.c.tenant_id, func.count()).group_by(table.c.tenant_id)):
                        totals[tenant_id] = totals.get(tenant_id, 0) + count
            biggest = db.session.get(Tenant, max(totals, key=totals.get))
            slug, files = biggest.slug, site_files(biggest.id)
            file_bytes = sum(path.stat().st_size for _name, path in files)
            rows_before = _rows(plan, biggest.id)
            db.session.remove()

            archive = folder / f"{slug}.site.zip"
            started = time.perf_counter()
            exported = export_site(db.session.get(Tenant, biggest.id), archive, passphrase=PASSPHRASE)
            db.session.commit()
            export_seconds = time.perf_counter() - started

            started = time.perf_counter()
            delete_site(db.session.get(Tenant, biggest.id), confirm_slug=slug)
            db.session.commit()
            delete_seconds = time.perf_counter() - started

            started = time.perf_counter()
            imported = import_site(archive, passphrase=PASSPHRASE)
            db.session.commit()
            import_seconds = time.perf_counter() - started
            rows_after = _rows(plan, imported.tenant.id)
            dialect = db.engine.dialect.name
            files_after = len(site_files(imported.tenant.id))
            if rows_after != rows_before or files_after != len(files):
                print(f"the import did not give the site back: {rows_before} rows and {len(files)} files before, "
                      f"{rows_after} and {files_after} after", file=sys.stderr)
                return 1
        print(f"biggest site: {slug}: {sum(rows_before.values())} rows in "
              f"{sum(1 for n in rows_before.values() if n)} tables, {len(files)} files ({human_size(file_bytes)}), "
              f"{exported.users} accounts")
        print(f"BENCH export_s={export_seconds:.2f} archive_bytes={exported.size} ({human_size(exported.size)}) "
              f"delete_s={delete_seconds:.2f} import_s={import_seconds:.2f} rows={sum(rows_before.values())} "
              f"files={len(files)} file_bytes={file_bytes} database={dialect}")
        return 0
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if options.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
        if options.database_url:
            _empty(options.database_url)


def _rows(plan, tenant_id: int) -> dict[str, int]:
    from sqlalchemy import func, select

    from core.backups.archive import rows_where
    from core.extensions import db

    return {name: db.session.execute(select(func.count()).select_from(table_plan.table)
                                     .where(rows_where(plan, name, tenant_id))).scalar_one()
            for name, table_plan in plan.tables.items()}


def _empty(url: str) -> None:
    """Give the scratch PostgreSQL database back empty."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


if __name__ == "__main__":
    os.environ.setdefault("FLASK_DEBUG", "0")
    sys.exit(main())
