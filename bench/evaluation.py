"""Benchmark the evaluation: the whole city evaluated site by site, the time and the SQL statements per site.

Run from the repository root:

    .venv/bin/python bench/evaluation.py                                   # the demo city, temporary SQLite
    .venv/bin/python bench/evaluation.py --scale 14                        # 994 sites (71 × 14), SQLite
    .venv/bin/python bench/evaluation.py --database-url postgresql://postgres@127.0.0.1:5432/NAME --reset --scale 14
    .venv/bin/python bench/evaluation.py --database-url … --reuse          # a city loaded by an earlier run

What it does:

1. Unless `--reuse`: builds the city (`flask db upgrade`, `flask demo load --scale N`) in a temporary SQLite file,
   or in the database `--database-url` names; `--reset` first drops and recreates that database's `public`
   schema (PostgreSQL: give it a scratch database of your own).
2. Evaluates every active site as of now, each inside its own tenant scope, exactly as the monthly job does
   (`core.evaluation.engine.evaluate_site`), counting the SQL statements each sends and timing each.
3. With `--snapshot`, also runs the monthly job (`evaluation.monthly`, as of the 1st of next month, so that it
   takes a snapshot of every site) and times it.
4. Prints the sites, the grades, the total time, the time per site (median, 95th percentile, slowest) and the
   statements per site (fewest, most): the statements must not grow with the number of sites or what a site
   holds. Target: the 1 000-site city in under 60 s on PostgreSQL.

Figures depend on the machine and what else runs on it.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _flask(env: dict, *args: str) -> None:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    print(f"  flask {' '.join(args)}: {time.perf_counter() - started:.0f} s")


def _reset(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    parser.add_argument("--scale", type=int, default=1, help="copies of the catalog (71 sites each)")
    parser.add_argument("--news-per-site", type=int, default=120)
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database's public schema first")
    parser.add_argument("--reuse", action="store_true", help="evaluate the city already in the database")
    parser.add_argument("--snapshot", action="store_true", help="also time the monthly job")
    settings = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="bench-evaluation-")
    url = settings.database_url or f"sqlite:///{scratch}/city.sqlite3"
    env = {**os.environ, "GOVSITES_DATABASE_URL": url, "DATABASE_URL": url, "PYTHONPATH": str(ROOT),
           "GOVSITES_UPLOAD_FOLDER": f"{scratch}/uploads", "GOVSITES_DEMO_ACCOUNTS_FILE": f"{scratch}/accounts.csv",
           "GOVSITES_SECRET_KEY": "bench", "GOVSITES_PERSONAL_DATA_INDEX_KEY": "bench-index"}
    os.environ.update({k: v for k, v in env.items() if k.startswith("GOVSITES_") or k == "DATABASE_URL"})
    if not settings.reuse:
        print(f"Building the city ({settings.scale} × the catalog) in {url.split('@')[-1]}")
        if settings.reset:
            _reset(url)
        _flask(env, "db", "upgrade")
        _flask(env, "demo", "load", "--scale", str(settings.scale), "--news-per-site", str(settings.news_per_site))

    sys.path.insert(0, str(ROOT))
    from sqlalchemy import event, select

    from core import create_app
    from core.evaluation.engine import evaluate_site
    from core.evaluation.settings import current_settings
    from core.extensions import db
    from core.timeutil import now
    from jobs.runs import run_job
    from tenants.models import Tenant
    from tenants.scoping import activate_tenant

    app = create_app({"DATABASE_URL": url})
    with app.app_context(), app.test_request_context():
        statements = [0]
        event.listen(db.engine, "before_cursor_execute", lambda *_a: statements.__setitem__(0, statements[0] + 1))
        sites = db.session.execute(select(Tenant.id).where(Tenant.status == "active").order_by(Tenant.slug)).scalars()
        sites = list(sites)
        moment = now()
        rules = current_settings()
        times, counts, grades = [], [], Counter()
        started, cpu = time.perf_counter(), time.process_time()
        for tenant_id in sites:
            before, begun = statements[0], time.perf_counter()
            with activate_tenant(tenant_id):
                grades[evaluate_site(moment, rules).grade] += 1
            db.session.expunge_all()  # as the job, which commits each site: nothing piles up in the session
            times.append(time.perf_counter() - begun)
            counts.append(statements[0] - before)
        total, cpu = time.perf_counter() - started, time.process_time() - cpu
        ordered = sorted(times)
        print(f"\n{db.engine.dialect.name}: {len(sites)} sites evaluated in {total:.1f} s "
              f"({len(sites) / total:.0f} sites/s; this process's CPU {cpu:.1f} s; load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        print(f"  per site: median {statistics.median(times) * 1000:.0f} ms, "
              f"p95 {ordered[int(len(ordered) * 0.95) - 1] * 1000:.0f} ms, slowest {ordered[-1] * 1000:.0f} ms")
        print(f"  SQL statements per site: fewest {min(counts)}, most {max(counts)} "
              f"(+1 for the settings, read once for the city)")
        print(f"  grades: {', '.join(f'{g} {n} ({n / len(sites):.0%})' for g, n in grades.most_common())}")
        if settings.snapshot:
            first = datetime(moment.year + moment.month // 12, moment.month % 12 + 1, 1, 5, 0)
            begun = time.perf_counter()
            run = run_job("evaluation.monthly", now=first)
            print(f"  the monthly job ({run.outcome}): {time.perf_counter() - begun:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
