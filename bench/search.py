"""Benchmark search: queries per second and latency of a site search and of the city search, on a big city.

Run from the repository root (needs wrk: `apt-get install -y wrk`):

    .venv/bin/python bench/search.py                                       # 994 sites, ≥ 200,000 items, SQLite
    .venv/bin/python bench/search.py --database-url postgresql://postgres@127.0.0.1:5432/NAME --reset
    .venv/bin/python bench/search.py --database-url … --reuse              # a city loaded by an earlier run
    .venv/bin/python bench/search.py --database-url sqlite:////tmp/city.sqlite3 --build-only   # build, then --reuse
    .venv/bin/python bench/search.py --scale 1 --news-per-site 40 --min-items 0   # a quick look

What it does:

1. Unless `--reuse`: builds the city (`flask db upgrade`, `flask demo load --scale N --news-per-site M`) in a
   temporary SQLite file, or in the database `--database-url` names (`--reset` first drops and recreates its
   `public` schema: give it a scratch database). The load writes every search entry with its source, as
   publishing does; the script then counts the entries the public can find and refuses to time a city with
   fewer than `--min-items`.
2. Serves the city with gunicorn (`-w 2`, sync workers) on loopback with the search rate limit raised out of
   the way (`GOVSITES_SEARCH_RATE_LIMIT`: one address makes every request here), and loads it with wrk and
   `bench/mix.lua` at `--connections` connections, twice:
   - **site search**: `/search?q=…` on a site's host, the Host rotating over 200 active sites drawn at random, the words
     drawn from what citizens search for (two-character words such as 社保, three-character 公积金, longer
     phrases, two words, English), some with a kind filter or on page 2;
   - **city search**: the same words on the city portal, searching every active site at once.
   Every request is first fetched once and must be a 200 with results counted; wrk must see only 200s.
   Each search also counts itself (core.search.statistics: in the worker, written every SEARCH_COUNT_SECONDS), as
   it does in production.
3. Does both with each worker's kept results (core.search.cache) off — every search asks the index — and on, as
   deployed (`--result-cache`); the words are few, as citizens' are, so with it on most searches after the first
   are answered from memory.
4. Prints, per run: requests per second, p50, p90, p99 and the slowest; the target is a city-search p99 under
   100 ms at 8 connections.

Figures depend on the machine and on what else runs on it: wrk shares the machine with the server.
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))

from run import (BenchError, Settings, free_port, http_get, run_wrk, stop,  # noqa: E402
                 wait_until_answering)

GUNICORN = str(Path(sys.executable).parent / "gunicorn")
P99_TARGET_MS = 100.0

#: What citizens type: words of two and three characters, phrases, two words, mixed scripts, English.
WORDS = ["社保", "医保", "公积金", "通知", "招聘", "考核", "养老保险", "政府信息公开", "营业执照", "退休",
         "补贴", "办理", "公示", "征求意见", "社会保险 缴费", "城市 规划", "2026年", "工作 动态", "policy",
         "notice", "人才 引进", "住房", "申请 材料", "安全生产"]
KIND_FILTERS = ["", "", "", "article", "policy", "service"]
#: Seconds wrk waits for an answer: a slow search is timed, not dropped as a timeout.
WRK_TIMEOUT = 10
#: Sites the site search asks, drawn at random (each request is fetched once before timing: all 994 would take long).
SITE_HOSTS = 200


def _flask(env: dict, *args: str) -> None:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    print(f"  flask {' '.join(args)}: {time.perf_counter() - started:.0f} s", flush=True)


def _engine(url: str):
    from sqlalchemy import create_engine

    return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def _reset(url: str) -> None:
    from sqlalchemy import text

    engine = _engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _city(url: str) -> tuple[list[str], int, int]:
    """The active sites' primary hostnames, the entries the public can find now, and every published article."""
    from sqlalchemy import text

    engine = _engine(url)
    with engine.connect() as conn:
        hosts = [h for (h,) in conn.execute(text(
            "select d.hostname from tenants t join tenant_domains d on d.tenant_id = t.id and d.is_primary "
            "where t.status = 'active' order by t.id"))]
        findable = conn.execute(text(
            "select count(*) from search_entries e join tenants t on t.id = e.tenant_id "
            "where t.status = 'active' and (e.public_from is null or e.public_from <= :now) "
            "and (e.public_until is null or e.public_until > :now)"),
            {"now": time.strftime("%Y-%m-%d %H:%M:%S")}).scalar_one()
        articles = conn.execute(text("select count(*) from articles where status = 'published'")).scalar_one()
    engine.dispose()
    return hosts, findable, articles


def _mix(hosts: list[str], portal: str, city: bool, seed: int) -> list[tuple[str, str]]:
    """(Host, path) pairs: every word on every site (site search) or on the portal (city search), shuffled."""
    rng = random.Random(seed)
    mix = []
    if not city and len(hosts) > SITE_HOSTS:
        hosts = rng.sample(hosts, SITE_HOSTS)
    for index, host in enumerate([portal] * 4 if city else hosts):
        for word in rng.sample(WORDS, 6 if not city else len(WORDS)):
            args = {"q": word}
            kind = rng.choice(KIND_FILTERS)
            if kind:
                args["kind"] = kind
            if rng.random() < 0.1:
                args["page"] = "2"
            mix.append((host, "/search?" + urlencode(args)))
    rng.shuffle(mix)
    return mix


def _check(port: int, mix: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], int]:
    """Fetch each request once (a 200 or a page 2 past the end); keep the 200s. Returns them and how many had hits."""
    kept, with_hits = [], 0
    for host, path in mix:
        status, body = http_get(port, f"{host}:{port}", path, timeout=60)
        if status == 404 and "page=2" in path:
            continue  # fewer than two pages of results: not a request to time
        if status != 200:
            raise BenchError(f"{status} for {host}{path}")
        kept.append((host, path))
        with_hits += b'class="search-hit' in body
    return kept, with_hits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    parser.add_argument("--scale", type=int, default=14, help="copies of the catalog (71 sites each)")
    parser.add_argument("--news-per-site", type=int, default=220)
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database's public schema first")
    parser.add_argument("--reuse", action="store_true", help="search the city already in the database")
    parser.add_argument("--min-items", type=int, default=200_000, help="refuse to time a smaller city")
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--build-only", action="store_true", help="build the city (for a later --reuse), time nothing")
    parser.add_argument("--city-only", dest="searches", action="store_const", const=["city"],
                        default=["site", "city"], help="time the city search only")
    parser.add_argument("--result-cache", choices=("on", "off", "both"), default="both",
                        help="time with each worker's kept results (core.search.cache) on, off, or both")
    settings = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-search-"))
    url = settings.database_url or f"sqlite:///{scratch}/city.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVSITES_")}
    env.pop("DATABASE_URL", None)
    env.update(GOVSITES_DATABASE_URL=url, PYTHONPATH=str(ROOT), GOVSITES_UPLOAD_FOLDER=f"{scratch}/uploads",
               GOVSITES_DEMO_ACCOUNTS_FILE=f"{scratch}/accounts.csv", SECRET_KEY="bench-only-secret",
               GOVSITES_PERSONAL_DATA_INDEX_KEY="bench-index", GOVSITES_ARGON2_TIME_COST="1",
               GOVSITES_ARGON2_MEMORY_KIB="1024", FLASK_APP="wsgi:app")
    try:
        if not settings.reuse:
            print(f"Building the city ({settings.scale} × the catalog, {settings.news_per_site} news per site) in "
                  f"{url.split('@')[-1]}", flush=True)
            if settings.reset:
                _reset(url)
            _flask(env, "db", "upgrade")
            _flask(env, "demo", "load", "--scale", str(settings.scale), "--news-per-site",
                   str(settings.news_per_site))
        else:
            _flask(env, "db", "upgrade")  # a city built by older code: its schema brought up to this code's
        hosts, findable, articles = _city(url)
        print(f"city: {len(hosts)} active sites, {findable:,} items the public can find "
              f"({articles:,} published articles)")
        if findable < settings.min_items:
            raise BenchError(f"only {findable:,} findable items (fewer than --min-items {settings.min_items:,})")
        if settings.build_only:
            return 0

        wrk = Settings(duration=settings.duration, connections=settings.connections,
                       threads=min(os.cpu_count() or 1, settings.connections), workers=settings.workers,
                       warmup=settings.warmup, scale_check=False, show_sql=False, keep=settings.keep)
        caches = {"on": ["on"], "off": ["off"], "both": ["off", "on"]}[settings.result_cache]
        database = Path(url.split('?')[0]).name if 'sqlite' in url else 'PostgreSQL'
        print(f"server: gunicorn -w {settings.workers} (sync) on {database}; load: wrk -t {wrk.threads} "
              f"-c {wrk.connections} -d {wrk.duration}s --latency, {os.cpu_count()} cores shared with wrk")
        results = {}
        for cache in caches:
            # The result cache (core.search.cache) off: every search asks the index; on: as deployed.
            serve_env = {**env, "GOVSITES_SEARCH_RATE_LIMIT": "1000000 per second",
                         "GOVSITES_SEARCH_CACHE_ENTRIES": "500" if cache == "on" else "0"}
            port = free_port()
            log = scratch / f"gunicorn-cache-{cache}.log"
            with log.open("w") as log_file:
                server = subprocess.Popen([GUNICORN, "wsgi:app", "-w", str(settings.workers), "-b",
                                           f"127.0.0.1:{port}", "--worker-class", "sync", "--timeout", "120"],
                                          cwd=ROOT, env=serve_env, stdout=log_file, stderr=subprocess.STDOUT,
                                          start_new_session=True)
            try:
                wait_until_answering(server, port, log, timeout=60)
                for label, city in [("site search", False), ("city search", True)][2 - len(settings.searches):]:
                    mix, with_hits = _check(port, _mix(hosts, "localhost", city, seed=14))
                    mix_file = scratch / f"{label.replace(' ', '-')}.txt"
                    mix_file.write_text("".join(f"{host}:{port} {path}\n" for host, path in mix))
                    if wrk.warmup:
                        run_wrk(port, mix_file, wrk, wrk.warmup, timeout=WRK_TIMEOUT)
                    results[(label, cache)] = (run_wrk(port, mix_file, wrk, wrk.duration, timeout=WRK_TIMEOUT),
                                               len(mix), with_hits)
            finally:
                stop(server)
            if "Traceback" in log.read_text():
                raise BenchError(f"the server logged an exception:\n{log.read_text()[-4000:]}")
        print(f"\n{'':<12} {'results kept':>12} {'requests':>9} {'with hits':>9} {'req/s':>8} {'p50 ms':>8} "
              f"{'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}")
        for (label, cache), (result, distinct, with_hits) in results.items():
            print(f"{label:<12} {cache:>12} {distinct:>9} {with_hits:>9} {result.rps:>8.1f} {result.p50_ms:>8.1f} "
                  f"{result.p90_ms:>8.1f} {result.p99_ms:>8.1f} {result.max_ms:>8.1f}")
        for cache in caches if "city" in settings.searches else []:
            city_p99 = results[("city search", cache)][0].p99_ms
            print(f"city-search p99 with results kept {cache}: {city_p99:.1f} ms at {wrk.connections} connections: "
                  f"{'meets' if city_p99 < P99_TARGET_MS else 'MISSES'} the target of {P99_TARGET_MS:.0f} ms")
        print(f"(load average {os.getloadavg()[0]:.1f})")
    except BenchError as error:
        print(f"BENCHMARK FAILED: {error}", file=sys.stderr)
        return 1
    finally:
        if settings.keep:
            print(f"kept: {scratch}")
        else:
            import shutil

            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
