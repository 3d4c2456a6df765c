"""Benchmark full backups: how long a backup and its verify take, and how big they are, on SQLite and PostgreSQL.

Run from the repository root:

    .venv/bin/python bench/backup.py                                  # the demo city on SQLite
    .venv/bin/python bench/backup.py --database postgresql            # in a new database on the local server
    .venv/bin/python bench/backup.py --sites 1000 --news-per-site 10  # a city of about 1,000 sites

What it does, for each database asked for:

1. Builds a fresh city in a temporary folder: `flask db upgrade`, then
   `flask demo load --no-backup` (the demo city, or `--sites N`: the catalog
   copied as often as N sites need, `--scale`), timed. PostgreSQL gets a new
   database (`<database of --pg-url>_bench_<random>`), dropped at the end.
2. `flask backup create` (the nightly job: the consistent copy, the
   checksums of every table and site, the uploads, the manifest), timed; then
   a second one (the uploads are then linked to the first, as on a second night).
3. `flask backup verify` (restore into a scratch database, recount, compare),
   timed.
4. Prints the database's size, rows and sites, the backup's size (database
   dump, uploads) and the three times, one line per database.

Times are wall-clock seconds of the whole command, its start-up included
(about a second). They depend on the machine and on what else it runs.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOG_SITES = 71  # tenants/catalog/langfang.toml


def _flask(env: dict, *args: str) -> tuple[float, str]:
    started = time.monotonic()
    result = subprocess.run([str(Path(sys.executable).parent / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return seconds, result.stdout


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def measure(kind: str, args, folder: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVSITES_") and k not in (
        "DATABASE_URL", "TEST_DATABASE_URL")}
    env.update(GOVSITES_UPLOAD_FOLDER=str(folder / "uploads"), GOVSITES_BACKUP_FOLDER=str(folder / "backups"),
               GOVSITES_DEMO_ACCOUNTS_FILE=str(folder / "demo-accounts.csv"), SECRET_KEY="bench",
               GOVSITES_ARGON2_TIME_COST="1", GOVSITES_ARGON2_MEMORY_KIB="1024", COLUMNS="120")
    drop = None
    if kind == "sqlite":
        env["GOVSITES_DATABASE_URL"] = f"sqlite:///{folder / 'city.sqlite3'}"
    else:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        base = make_url(args.pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
        name = f"{base.database}_bench_{secrets.token_hex(3)}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        env["GOVSITES_DATABASE_URL"] = base.set(database=name).render_as_string(hide_password=False)

        def drop():
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    try:
        _flask(env, "db", "upgrade")
        load_args = ["demo", "load", "--no-backup", "--scale", str(args.scale)]
        if args.news_per_site is not None:
            load_args += ["--news-per-site", str(args.news_per_site)]
        print(f"[{kind}] loading the city (scale {args.scale}) …", flush=True)
        load_seconds, _ = _flask(env, *load_args)
        print(f"[{kind}] loaded in {load_seconds:.0f}s; backing up …", flush=True)
        first_seconds, _ = _flask(env, "backup", "create")
        backups = folder / "backups"
        [first] = sorted(p for p in backups.iterdir() if p.name.startswith("govsites-"))
        manifest = json.loads((first / "manifest.json").read_text())
        first_size = _size(first)
        time.sleep(1.1)  # the second backup's name is another second's (retention then deletes the first)
        second_seconds, _ = _flask(env, "backup", "create")
        [second] = sorted(p for p in backups.iterdir() if p.name.startswith("govsites-"))
        again = json.loads((second / "manifest.json").read_text())
        # what the second wrote: its database copy and the uploads that are not links to the first's
        second_new = sum(entry["size"] for key, entry in again["files"].items()
                         if manifest["files"].get(key, {}).get("sha256") != entry["sha256"]
                         or key == again["database"]["file"])
        print(f"[{kind}] verifying …", flush=True)
        verify_seconds, _ = _flask(env, "backup", "verify")
        return {
            "database": kind, "sites": len(manifest["site_slugs"]), "tables": len(manifest["tables"]),
            "rows": sum(t["rows"] for t in manifest["tables"].values()),
            "raw_db": manifest["database"]["raw_bytes"], "dump": manifest["sizes"]["database_bytes"],
            "uploads": manifest["sizes"]["uploads_bytes"], "files": manifest["sizes"]["upload_files"],
            "backup_size": first_size, "second_new": second_new, "load": load_seconds, "backup": first_seconds,
            "second": second_seconds, "verify": verify_seconds,
        }
    finally:
        if drop is not None:
            drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--sites", type=int, default=0, help="about this many sites (the catalog copied); "
                                                            "0: the demo city")
    parser.add_argument("--news-per-site", type=int, default=None, help="work news per site (demo default 120)")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/govsites"),
                        help="a PostgreSQL server and the database name the scratch database's name starts with")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    args.scale = max(1, math.ceil(args.sites / CATALOG_SITES)) if args.sites else 1
    kinds = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    results = []
    for kind in kinds:
        folder = Path(tempfile.mkdtemp(prefix=f"govsites-bench-backup-{kind}-"))
        try:
            results.append(measure(kind, args, folder))
        finally:
            if args.keep:
                print(f"kept {folder}")
            else:
                shutil.rmtree(folder, ignore_errors=True)
    print()
    print(f"{'database':<11}{'sites':>6}{'rows':>11}{'db':>11}{'dump':>11}{'uploads':>11}{'backup':>11}"
          f"{'load s':>9}{'backup s':>10}{'2nd s':>8}{'2nd new':>11}{'verify s':>10}")
    for r in results:
        print(f"{r['database']:<11}{r['sites']:>6}{r['rows']:>11,}{_mb(r['raw_db']):>11}{_mb(r['dump']):>11}"
              f"{_mb(r['uploads']):>11}{_mb(r['backup_size']):>11}{r['load']:>9.1f}{r['backup']:>10.1f}"
              f"{r['second']:>8.1f}{_mb(r['second_new']):>11}{r['verify']:>10.1f}")
    print("\ndb: the database's own size (the SQLite file; PostgreSQL's pg_database_size); dump: the compressed "
          "copy in the backup; 2nd new: bytes the second backup wrote (unchanged uploads are links to the first's).")


if __name__ == "__main__":
    main()
