"""Benchmark the public pages of govsites against a bare Flask ceiling.

Run from the repository root:

    .venv/bin/python bench/run.py [--duration 15] [--connections 16] [--workers 2] [--scale-check]

What it does, and why each step is there:

1. Builds a fresh demo city in a temporary SQLite database (`flask db upgrade`,
   `flask demo load`), so the figures never depend on a developer's data.
2. Serves it with gunicorn (sync workers, as in production) and loads it over
   loopback with wrk, rotating the Host header over *every* site: a
   multi-tenant app must stay fast when each request is for another tenant.
   The mix is, per site, its homepage and its three newest articles.
3. Serves `bench/ceiling.py` (Flask + a small Jinja template, no database)
   under the same gunicorn and wrk settings. The ratio govsites/ceiling says
   how much of the framework's ceiling the app keeps (target: >= 0.5).
4. Counts SQL statements per page in-process, after a warm-up request, since
   a query count that grows with sites or articles is the thing that hurts
   later. With --scale-check, it repeats that on a city ten times larger
   and on one with many more articles per site.

Nothing here changes the app; the temporary directory is removed at the end.
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
# The repository's virtualenv; else the one running this script (a worktree sharing another checkout's).
VENV_BIN = ROOT / ".venv" / "bin" if (ROOT / ".venv" / "bin").is_dir() else Path(sys.executable).parent
FLASK = str(VENV_BIN / "flask")
GUNICORN = str(VENV_BIN / "gunicorn")
WRK = shutil.which("wrk") or "/usr/bin/wrk"
LUA_SCRIPT = BENCH / "mix.lua"
TENANT_CACHE_TTL = 5
RATIO_TARGET = 0.5
QUERY_TARGET = 5
HOST_MAP = "host map load"  # the row for a worker's one-off load of every site and hostname
ARTICLES_PER_SITE = 3  # in the load mix: 1 homepage : 3 articles per site


class BenchError(RuntimeError):
    """The benchmark cannot give a trustworthy figure; say why and stop."""


@dataclass
class Settings:
    duration: int
    connections: int
    threads: int
    workers: int
    warmup: int
    scale_check: bool
    show_sql: bool
    keep: bool


@dataclass
class City:
    """One demo database and what it took to build it."""

    label: str
    directory: Path
    load_args: list[str]
    load_seconds: float = 0.0
    sites: int = 0
    articles: int = 0

    @property
    def db_path(self) -> Path:
        return self.directory / "govsites.sqlite3"

    @property
    def url(self) -> str:
        return f"sqlite:///{self.db_path}"

    @property
    def uploads(self) -> Path:
        return self.directory / "uploads"


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    requests: int
    raw: str


@dataclass
class PageCost:
    """What one page costs in-process on a warm worker."""

    path: str
    queries: int
    statements: list[str] = field(default_factory=list)
    median_ms: float = 0.0


# --------------------------------------------------------------------------- set-up


def parse_args(argv: list[str] | None = None) -> Settings:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per measured run")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--threads", type=int, default=None, help="wrk threads (default: min(cores, connections))")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unmeasured load before each run")
    parser.add_argument("--scale-check", action="store_true",
                        help="also count queries on a 10x city and on a city with 400 news items per site")
    parser.add_argument("--show-sql", action="store_true", help="print every statement of the counted pages")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (databases, logs)")
    args = parser.parse_args(argv)
    threads = args.threads or max(1, min(os.cpu_count() or 1, args.connections))
    return Settings(args.duration, args.connections, threads, args.workers, args.warmup, args.scale_check,
                    args.show_sql, args.keep)


def app_env(city: City) -> dict[str, str]:
    """The environment of every app process: this city's database, nothing from the repo's instance/.

    Uploads and the secret key are pinned too, so `flask demo load` does not
    write attachments into the developer's instance folder.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVSITES_")}
    env.update(
        GOVSITES_DATABASE_URL=city.url,
        GOVSITES_TENANT_CACHE_TTL=str(TENANT_CACHE_TTL),
        GOVSITES_UPLOAD_FOLDER=str(city.uploads),
        GOVSITES_DEMO_ACCOUNTS_FILE=str(city.uploads.parent / "demo-accounts.csv"),
        # The demo's hundreds of accounts need no production-strength hashes here.
        GOVSITES_ARGON2_TIME_COST="1",
        GOVSITES_ARGON2_MEMORY_KIB="1024",
        SECRET_KEY="bench-only-secret",
        FLASK_APP="wsgi:app",
    )
    env.pop("DATABASE_URL", None)
    return env


def run_flask(args: list[str], city: City) -> str:
    """Run one `flask` command for this city; fail with its output if it fails."""
    done = subprocess.run([FLASK, *args], cwd=ROOT, env=app_env(city), capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"`flask {' '.join(args)}` failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout.strip()


def build_city(workdir: Path, label: str, load_args: list[str]) -> City:
    """Create a database, migrate it and load the demo city into it, timing the load."""
    city = City(label, workdir / label, load_args)
    city.directory.mkdir(parents=True)
    run_flask(["db", "upgrade"], city)
    started = time.perf_counter()
    summary = run_flask(["demo", "load", *load_args], city)
    city.load_seconds = time.perf_counter() - started
    with sqlite3.connect(city.db_path) as con:
        city.sites = con.execute("select count(*) from tenants").fetchone()[0]
        city.articles = con.execute("select count(*) from articles").fetchone()[0]
    print(f"  {label:<10} {' '.join(load_args) or '(defaults)':<32} {city.sites:>5} sites {city.articles:>7} articles"
          f"  load {city.load_seconds:6.1f} s   [{summary.splitlines()[-1] if summary else ''}]", flush=True)
    return city


# --------------------------------------------------------------------------- the request mix


def active_sites(city: City) -> list[tuple[int, str, str]]:
    """(tenant id, slug, primary hostname) of every site that is open to the public."""
    with sqlite3.connect(city.db_path) as con:
        return con.execute(
            "select t.id, t.slug, d.hostname from tenants t "
            "join tenant_domains d on d.tenant_id = t.id and d.is_primary "
            "where t.status = 'active' order by t.id"
        ).fetchall()


def city_now() -> str:
    """Now on the city's clock (Asia/Shanghai, UTC+8, no DST), as the app stores timestamps."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() + 8 * 3600))


def newest_articles(con: sqlite3.Connection, tenant_id: int, limit: int) -> list[int]:
    """The site's newest published article ids (not future-dated: those would be 404s)."""
    rows = con.execute(
        "select id from articles where tenant_id = ? and status = 'published' and published_at <= ? "
        "order by published_at desc limit ?",
        (tenant_id, city_now(), limit),
    ).fetchall()
    return [r[0] for r in rows]


def request_mix(city: City) -> list[tuple[str, str]]:
    """Per site its homepage and newest articles, interleaved so consecutive requests change site."""
    sites = active_sites(city)
    if not sites:
        raise BenchError("the demo city has no active site")
    rounds: list[list[tuple[str, str]]] = [[] for _ in range(1 + ARTICLES_PER_SITE)]
    with sqlite3.connect(city.db_path) as con:
        for tenant_id, slug, hostname in sites:
            rounds[0].append((hostname, "/"))
            ids = newest_articles(con, tenant_id, ARTICLES_PER_SITE)
            if len(ids) < ARTICLES_PER_SITE:
                raise BenchError(f"site {slug} has only {len(ids)} published articles")
            for n, article_id in enumerate(ids, start=1):
                rounds[n].append((hostname, f"/articles/{article_id}"))
    return [pair for one_round in rounds for pair in one_round]


def write_mix(mix: list[tuple[str, str]], port: int, path: Path) -> Path:
    """The file mix.lua reads: one "host:port path" per line, as a browser would send Host."""
    path.write_text("".join(f"{hostname}:{port} {url}\n" for hostname, url in mix))
    return path


# --------------------------------------------------------------------------- serving


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port: int, host: str, path: str, timeout: float = 10.0) -> tuple[int, bytes]:
    """One GET with an explicit Host header, redirects not followed (a 301 is a failure here)."""
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        con.request("GET", path, headers={"Host": host})
        response = con.getresponse()
        return response.status, response.read()
    finally:
        con.close()


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str], settings: Settings, log: Path) -> Iterator[int]:
    """Serve `app_spec` on a free loopback port; always stop it, gracefully first."""
    port = free_port()
    command = [GUNICORN, app_spec, "-w", str(settings.workers), "-b", f"127.0.0.1:{port}",
               "--worker-class", "sync"]
    with log.open("w") as log_file:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        wait_until_answering(process, port, log)
        yield port
    finally:
        stop(process)


def wait_until_answering(process: subprocess.Popen, port: int, log: Path, timeout: float = 30.0) -> None:
    """Poll until any HTTP answer comes back (a 404 for an unknown host is fine here)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            http_get(port, "bench-probe.invalid", "/", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer on port {port} within {timeout:.0f} s:\n{log.read_text()}")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM is gunicorn's graceful stop; kill only if it does not finish in time."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def preflight(port: int, mix: list[tuple[str, str]]) -> None:
    """Every URL of the mix must be a 200 before we time anything; also warms both workers."""
    failures = []
    for hostname, path in mix:
        status, _ = http_get(port, f"{hostname}:{port}", path)
        if status != 200:
            failures.append(f"{status} {hostname}{path}")
    if failures:
        raise BenchError(f"{len(failures)} of {len(mix)} URLs are not 200:\n  " + "\n  ".join(failures[:20]))


# --------------------------------------------------------------------------- load


def run_wrk(port: int, mix_file: Path, settings: Settings, duration: int, agent: str | None = None,
            timeout: int | None = None) -> WrkResult:
    """Load the server with wrk and the mix script; refuse any non-200 or socket error.

    `agent`: the User-Agent every request carries (none by default, as wrk sends). `timeout`: seconds wrk waits
    for an answer before counting a timeout (wrk's default, 2, when None).
    """
    command = [WRK, "-t", str(settings.threads), "-c", str(settings.connections), "-d", f"{duration}s",
               "--latency", "-s", str(LUA_SCRIPT), f"http://127.0.0.1:{port}", "--", str(mix_file)]
    if timeout:
        command[1:1] = ["--timeout", f"{timeout}s"]
    if agent:
        command.append(agent)
    done = subprocess.run(command, capture_output=True, text=True)
    line = next((l for l in done.stdout.splitlines() if l.startswith("BENCH ")), None)
    if done.returncode != 0 or line is None:
        raise BenchError(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    values = dict(pair.split("=", 1) for pair in line.split()[1:])
    problems = {k: int(values[k]) for k in ("non200", "status_errors", "connect_errors", "read_errors",
                                            "write_errors", "timeouts") if int(values[k])}
    non2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", done.stdout)
    if non2xx:
        problems["wrk_non2xx_or_3xx"] = int(non2xx.group(1))
    if problems:
        raise BenchError(f"responses that were not clean 200s: {problems}\n{done.stdout}")
    return WrkResult(rps=float(values["rps"]), p50_ms=float(values["p50_ms"]), p90_ms=float(values["p90_ms"]),
                     p99_ms=float(values["p99_ms"]), mean_ms=float(values["mean_ms"]),
                     max_ms=float(values["max_ms"]), requests=int(values["requests"]), raw=done.stdout)


def measure(app_spec: str, env: dict[str, str], mix: list[tuple[str, str]], mix_file: Path,
            settings: Settings, log: Path) -> WrkResult:
    """Start a server, check and warm it, then one measured wrk run; no server error may pass unseen."""
    with gunicorn(app_spec, env, settings, log) as port:
        write_mix(mix, port, mix_file)
        preflight(port, mix)
        if settings.warmup:
            run_wrk(port, mix_file, settings, settings.warmup)
        result = run_wrk(port, mix_file, settings, settings.duration)
    if "Traceback" in log.read_text():
        raise BenchError(f"the server logged an exception during the run:\n{log.read_text()[-4000:]}")
    return result


# --------------------------------------------------------------------------- queries per page


def sample_pages(city: City) -> tuple[str, dict[str, str]]:
    """A representative department site and the paths of its three page types."""
    with sqlite3.connect(city.db_path) as con:
        tenant_id, hostname = con.execute(
            "select t.id, d.hostname from tenants t join tenant_domains d on d.tenant_id = t.id and d.is_primary "
            "where t.status = 'active' and t.kind = 'department' order by t.id limit 1"
        ).fetchone()
        article_id = newest_articles(con, tenant_id, 1)[0]
        with_files = con.execute(
            "select a.id from articles a where a.tenant_id = ? and a.status = 'published' "
            "and exists (select 1 from attachments f where f.article_id = a.id) order by a.published_at desc limit 1",
            (tenant_id,),
        ).fetchone()
        news = con.execute("select slug from sections where tenant_id = ? and mandatory_key = 'news'",
                           (tenant_id,)).fetchone()[0]
    pages = {"homepage": "/", "article": f"/articles/{article_id}", "section list": f"/sections/{news}/",
             "section page 2": f"/sections/{news}/?page=2"}
    if with_files:
        pages["article + files"] = f"/articles/{with_files[0]}"
    return hostname, pages


def count_queries(city: City, cached: bool, repeats: int = 30) -> dict[str, PageCost]:
    """Statements per page on a warm in-process app, and the median time of a request.

    With `cached` false the page cache is off, so every request renders the
    page: the figure that must stay <= 5. With it on, a repeated page costs
    what a worker under load pays once the page is in its cache.

    One warm-up request per page first (it compiles the templates). Before
    any page, a request for an unknown host makes the fresh app load its host
    map, and nothing else: that is reported on its own ("host map load"),
    since it is the one cost that must grow with the number of sites.
    """
    from sqlalchemy import event

    from core import create_app
    from core.extensions import db

    app = create_app({"DATABASE_URL": city.url, "TENANT_CACHE_TTL": float(TENANT_CACHE_TTL),
                      "UPLOAD_FOLDER": str(city.uploads), "SECRET_KEY": "bench-only-secret",
                      "PAGE_CACHE_ENTRIES": 1000 if cached else 0})
    hostname, pages = sample_pages(city)
    client = app.test_client()
    statements: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _executemany):
        statements.append(" ".join(statement.split()))

    # The app context is left before any request: a request inside an already
    # pushed context would share its `g` (and its per-request caches) with the next.
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    costs = {}
    try:
        unknown = client.get("/", base_url="http://no-such-site.invalid")
        if unknown.status_code != 404:
            raise BenchError(f"{city.label}: an unknown host answered {unknown.status_code}, not 404")
        costs[HOST_MAP] = PageCost("(unknown host)", len(statements), list(statements),
                                   host_map_load_ms(app, repeats=5))
        for name, path in pages.items():
            def get(path: str = path):
                return client.get(path, base_url=f"http://{hostname}")

            first = get()
            if first.status_code != 200:
                raise BenchError(f"{city.label}: {hostname}{path} answered {first.status_code}")
            statements.clear()
            get()
            cost = PageCost(path, len(statements), list(statements))
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                get()
                times.append((time.perf_counter() - started) * 1000)
            cost.median_ms = statistics.median(times)
            costs[name] = cost
    finally:
        event.remove(engine, "before_cursor_execute", record)
        engine.dispose()
    return costs


def host_map_load_ms(app, repeats: int) -> float:
    """Median time to build the whole host map again, as every worker does after a registry change.

    Timed on a new, empty registry with warm statement caches, so that one-off
    process costs (mapper set-up, first connection) do not hide the part that
    grows with the number of sites.
    """
    from tenants.registry import HostRegistry

    times = []
    with app.app_context():
        for _ in range(repeats):
            started = time.perf_counter()
            HostRegistry(ttl=float(TENANT_CACHE_TTL)).snapshot()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


# --------------------------------------------------------------------------- report


def print_settings(settings: Settings, city: City, mix: list[tuple[str, str]]) -> None:
    print()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"{subprocess.run([WRK, '-v'], capture_output=True, text=True).stdout.splitlines()[0].split(' Copyright')[0]}")
    print(f"         load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} before the runs "
          f"(anything else busy on the machine lowers both figures)")
    print(f"server:  gunicorn -w {settings.workers} --worker-class sync, on 127.0.0.1 (same machine as wrk)")
    print(f"load:    wrk -t {settings.threads} -c {settings.connections} -d {settings.duration}s --latency "
          f"(after {settings.warmup}s warm-up), GOVSITES_TENANT_CACHE_TTL={TENANT_CACHE_TTL}")
    homepages = sum(1 for _, p in mix if p == "/")
    print(f"mix:     {len(mix)} URLs = {homepages} homepages + {len(mix) - homepages} articles, "
          f"Host rotated over {homepages} sites ({city.sites} sites, {city.articles} articles in the city)")


def print_throughput(app_result: WrkResult, ceiling: WrkResult) -> None:
    print()
    print(f"{'':<28}{'req/s':>10}{'p50 ms':>10}{'p90 ms':>10}{'p99 ms':>10}{'requests':>11}")
    for name, r in (("govsites public pages", app_result), ("ceiling (Flask + Jinja)", ceiling)):
        print(f"{name:<28}{r.rps:>10.1f}{r.p50_ms:>10.2f}{r.p90_ms:>10.2f}{r.p99_ms:>10.2f}{r.requests:>11}")
    ratio = app_result.rps / ceiling.rps if ceiling.rps else 0.0
    verdict = "met" if ratio >= RATIO_TARGET else "NOT met"
    print(f"ratio govsites/ceiling: {ratio:.2f}  (target >= {RATIO_TARGET}: {verdict})")
    print("all responses 200: yes (wrk non-200 = 0, socket errors = 0)")


def print_queries(results: dict[str, dict[str, PageCost]], cities: dict[str, City], show_sql: bool) -> None:
    labels = list(results)
    print()
    print("SQL statements per page (in-process, warm worker)   [median ms per request in brackets]")
    header = f"{'':<18}" + "".join(f"{label + f' ({cities[label].sites} sites)':>36}" for label in labels)
    print(header)
    pages = list(results[labels[0]])
    for page in pages:
        cells = []
        for label in labels:
            cost = results[label].get(page)
            cells.append(f"{cost.queries:>3} q  [{cost.median_ms:6.1f} ms]" if cost else "-")
        print(f"{page:<18}" + "".join(f"{c:>36}" for c in cells))
    worst = max(c.queries for r in results.values() for name, c in r.items() if name != HOST_MAP)
    verdict = "met" if worst <= QUERY_TARGET else "NOT met"
    print(f"target <= {QUERY_TARGET} statements per page: {verdict} (worst warm page: {worst})")
    print(f"'{HOST_MAP}': once per worker at start and after any site change (ms: median of a reload). "
          f"Besides, each worker re-reads the registry version once every {TENANT_CACHE_TTL} s (+1 statement).")
    base = results[labels[0]]
    for page, cost in base.items():
        if show_sql or page in (HOST_MAP, "homepage", "article", "section list"):
            print(f"\n  {page} {cost.path}:")
            for statement in cost.statements:
                print(f"    - {statement if show_sql else shorten(statement)}")


def shorten(statement: str, width: int = 150) -> str:
    """The statement's verb, tables and filter, without the long column list."""
    short = re.sub(r"^SELECT .*? FROM ", "SELECT … FROM ", statement)
    return short if len(short) <= width else short[: width - 1] + "…"


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    settings = parse_args(argv)
    if not Path(WRK).exists():
        print("BENCHMARK FAILED: wrk is not installed (apt-get install -y wrk)", file=sys.stderr)
        return 1
    sys.path.insert(0, str(ROOT))
    workdir = Path(tempfile.mkdtemp(prefix="govsites-bench-"))
    try:
        print(f"building demo cities in {workdir}", flush=True)
        city = build_city(workdir, "normal", [])
        cities = {"normal": city}
        if settings.scale_check:
            cities["scale x10"] = build_city(workdir, "scale10", ["--scale", "10", "--news-per-site", "40"])
            cities["news 400"] = build_city(workdir, "news400", ["--news-per-site", "400"])

        mix = request_mix(city)
        print_settings(settings, city, mix)
        print("\nloading govsites …", flush=True)
        app_result = measure("wsgi:app", app_env(city), mix, workdir / "mix-govsites.txt", settings,
                             workdir / "gunicorn-govsites.log")
        print("loading the ceiling …", flush=True)
        ceiling = measure("bench.ceiling:app", app_env(city), mix, workdir / "mix-ceiling.txt", settings,
                          workdir / "gunicorn-ceiling.log")
        print_throughput(app_result, ceiling)

        results = {f"{label}, rendered": count_queries(c, cached=False) for label, c in cities.items()}
        results["normal, cached"] = count_queries(city, cached=True)
        print_queries(results, {label: cities[label.split(",")[0]] for label in results}, settings.show_sql)
        return 0
    except BenchError as error:
        print(f"\nBENCHMARK FAILED: {error}", file=sys.stderr)
        return 1
    finally:
        if settings.keep:
            print(f"\nkept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
