"""Benchmark: one full run of the daily security checks (`security.daily`) on the demo city.

    .venv/bin/python bench/security_daily.py                       # a fresh demo city in a temporary folder
    .venv/bin/python bench/security_daily.py --database sqlite:////tmp/city.sqlite3 --uploads /tmp/uploads
    .venv/bin/python bench/security_daily.py --runs 3

Prints the wall time of each run (the first finds everything new, the later
ones find it again), the findings kept, and the time each check took summed
over the sites, slowest first. Not a test: it fails only when a run fails.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _fresh_city(folder: Path) -> tuple[str, str]:
    url = f"sqlite:///{folder / 'city.sqlite3'}"
    env = {**os.environ, "GOVSITES_DATABASE_URL": url, "GOVSITES_UPLOAD_FOLDER": str(folder / "uploads"),
           "SECRET_KEY": "b" * 64, "PYTHONPATH": str(ROOT)}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    started = time.monotonic()
    for args in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run(flask + args, cwd=ROOT, env=env, check=True, capture_output=True)
    print(f"demo city loaded in {time.monotonic() - started:.1f}s (its load runs the checks once)")
    return url, str(folder / "uploads")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="an existing demo city's database URL (default: load a fresh one)")
    parser.add_argument("--uploads", help="its upload folder (with --database)")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="govsites-security-bench-") as tmp:
        if args.database:
            url, uploads = args.database, args.uploads
        else:
            url, uploads = _fresh_city(Path(tmp))
        sys.path.insert(0, str(ROOT))
        from sqlalchemy import func, select

        from core import create_app
        from core.extensions import db
        from core.security import operations
        from core.security.models import PlatformSecurityFinding, SecurityFinding
        from jobs.runs import run_job
        from tenants.models import Tenant

        config = {"DATABASE_URL": url, "SECURITY_INTEGRITY_MANIFEST": str(Path(tmp) / "manifest.json")}
        if uploads:
            config["UPLOAD_FOLDER"] = uploads
        app = create_app(config)
        spent: dict[str, float] = defaultdict(float)
        original = operations.run_check

        def timed(item, ctx):
            began = time.monotonic()
            try:
                yield from original(item, ctx)
            finally:
                spent[item.key] += time.monotonic() - began

        operations.run_check = timed
        with app.app_context():
            sites = db.session.execute(select(func.count()).select_from(Tenant)).scalar_one()
            print(f"database: {db.engine.dialect.name}, {sites} sites")
            for n in range(1, args.runs + 1):
                spent.clear()
                began = time.monotonic()
                run = run_job("security.daily")
                took = time.monotonic() - began
                if run.outcome != "success":
                    print(run.error, file=sys.stderr)
                    return 1
                findings = db.session.execute(select(func.count()).select_from(SecurityFinding)
                                              .execution_options(all_tenants=True)).scalar_one()
                platform = db.session.execute(select(func.count()).select_from(PlatformSecurityFinding)).scalar_one()
                print(f"run {n}: {took:.2f}s ({took / max(sites, 1) * 1000:.0f} ms a site); summary {run.summary}; "
                      f"findings kept: {findings} on the sites, {platform} on the platform")
                for key, seconds in sorted(spent.items(), key=lambda kv: -kv[1])[:8]:
                    print(f"    {key:<34} {seconds:6.2f}s")
            db.session.remove()
    return 0


if __name__ == "__main__":
    sys.exit(main())
