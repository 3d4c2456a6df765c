"""Benchmark the public pages of govsites against a bare Flask ceiling.

Run from the repository root:

    .venv/bin/python bench/run.py [--database sqlite|postgresql] [--scenarios cached,writer,cold,floor]
                                  [--duration 15] [--connections 16] [--workers 2] [--scale-check]

What it does, and why each step is there:

1. Builds a fresh demo city (`flask db upgrade`, `flask demo load`) in a
   temporary SQLite database, or in a new PostgreSQL database (named
   govsites_benchpages_<random>, dropped at the end: bench/databases.py), so
   the figures never depend on a developer's data.
2. Serves it with gunicorn (sync workers, as in production) and loads it over
   loopback with wrk, rotating the Host header over *every* site: a
   multi-tenant app must stay fast when each request is for another tenant.
   The mix is, per site, its homepage and its three newest articles. Four
   scenarios, each on a fresh server, each against the same ceiling run:
   - cached: the page cache on, nothing written (target >= 0.5 of the ceiling);
   - writer: the same while bench/writer.py, a process of its own, publishes
     one news item a second on a random open site through the app's own
     operations (target >= 0.4): each publish moves its site's content
     version, so that site's kept pages are rendered again in every worker.
     The writer's count must be about one a second, the readers must see
     only 200s, and the last item must be on its site's homepage at once;
   - cold: the page cache off (PAGE_CACHE_ENTRIES=0), nothing written: every
     request renders its page (target >= 0.25);
   - floor: every site's /robots.txt, the cheapest public answer (every
     request hook, no template, no query; no target): what any answer costs
     before its page. With cold, it splits a cold page's time into the
     hooks' and the page's own, in ceiling requests (`cold_budget`).
3. Serves `bench/ceiling.py` (Flask + a small Jinja template, no database)
   under the same gunicorn and wrk settings. The ratio govsites/ceiling says
   how much of the framework's ceiling the app keeps.
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
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))
from databases import DEFAULT_PG, ScratchDatabase  # noqa: E402  (bench/databases.py)

# The repository's virtualenv; else the one running this script (a worktree sharing another checkout's).
VENV_BIN = ROOT / ".venv" / "bin" if (ROOT / ".venv" / "bin").is_dir() else Path(sys.executable).parent
FLASK = str(VENV_BIN / "flask")
GUNICORN = str(VENV_BIN / "gunicorn")
WRK = shutil.which("wrk") or "/usr/bin/wrk"
LUA_SCRIPT = BENCH / "mix.lua"
TENANT_CACHE_TTL = 5
RATIO_TARGET = 0.5  # the cached pages, nothing written
QUERY_TARGET = 5
HOST_MAP = "host map load"  # the row for a worker's one-off load of every site and hostname
ARTICLES_PER_SITE = 3  # in the load mix: 1 homepage : 3 articles per site
PG_PREFIX = "govsites_benchpages_"  # the PostgreSQL databases this script creates (and drops)
WRITER_RATE = 1.0  # items the background writer publishes a second


@dataclass(frozen=True)
class Scenario:
    """One measured run: the page cache on or off, with or without the background writer, and its target (None:
    a figure to read the others by, with no target of its own). `path`: every site's one address instead of the
    page mix (its homepage and newest articles)."""

    label: str
    target: float | None
    page_cache: bool
    writer: bool
    path: str | None = None


SCENARIOS = {
    "cached": Scenario("cached pages, no writes", RATIO_TARGET, page_cache=True, writer=False),
    "writer": Scenario(f"cached pages, {WRITER_RATE:g} publish/s", 0.4, page_cache=True, writer=True),
    "cold": Scenario("page cache off (cold render)", 0.25, page_cache=False, writer=False),
    # What every public answer costs before its page: every request hook (host, CSRF, security headers, caching
    # headers, visits), a tiny body, no template and no query. The cold render's budget is read against it.
    "floor": Scenario("floor: robots.txt (hooks only)", None, page_cache=False, writer=False, path="/robots.txt"),
}


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
    database: str = "sqlite"
    pg_url: str = DEFAULT_PG
    scenarios: tuple[str, ...] = tuple(SCENARIOS)
    reuse: str = ""


@dataclass
class City:
    """One demo database and what it took to build it."""

    label: str
    directory: Path
    load_args: list[str]
    database: ScratchDatabase
    load_seconds: float = 0.0
    sites: int = 0
    articles: int = 0

    @property
    def url(self) -> str:
        return self.database.url

    def rows(self, sql: str, **params) -> list:
        return self.database.rows(sql, **params)

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
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary directory (SQLite databases, logs) and the PostgreSQL databases")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="a PostgreSQL server's maintenance database "
                        f"(the city's database, {PG_PREFIX}<random>, is created next to it and dropped)")
    parser.add_argument("--reuse", default="", metavar="DATABASE_URL",
                        help="measure the city already in this database (e.g. one kept by --keep) instead of "
                             "building one; it is migrated, never dropped, and the writer adds its items to it")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS),
                        help=f"which runs, comma-separated, of: {', '.join(SCENARIOS)}")
    args = parser.parse_args(argv)
    scenarios = tuple(name.strip() for name in args.scenarios.split(",") if name.strip())
    unknown = [name for name in scenarios if name not in SCENARIOS]
    if unknown or not scenarios:
        parser.error(f"unknown scenario(s) {unknown}: choose among {', '.join(SCENARIOS)}")
    threads = args.threads or max(1, min(os.cpu_count() or 1, args.connections))
    return Settings(args.duration, args.connections, threads, args.workers, args.warmup, args.scale_check,
                    args.show_sql, args.keep, args.database, args.pg_url, scenarios, args.reuse)


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
        GOVSITES_BACKUP_FOLDER=str(city.directory / "backups"),  # the demo's first backup: not in instance/
        GOVSITES_DEMO_ACCOUNTS_FILE=str(city.uploads.parent / "demo-accounts.csv"),
        GOVSITES_PERSONAL_DATA_KEYS="aQ6x0m1dN9iGkq3yJmKJkW2m1aXb6h2c3kQpV6yq8sU=",
        GOVSITES_PERSONAL_DATA_INDEX_KEY="bench-only-index-key",
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


def build_city(workdir: Path, label: str, load_args: list[str], settings: Settings,
               made: list[ScratchDatabase]) -> City:
    """Create a database (appended to `made` at once, so that it is dropped whatever happens next), migrate it and
    load the demo city into it, timing the load."""
    directory = workdir / label
    directory.mkdir(parents=True)
    if settings.reuse and label == "normal":
        database = ScratchDatabase.existing(settings.reuse)
    else:
        database = ScratchDatabase(settings.database, directory, pg_url=settings.pg_url, prefix=PG_PREFIX)
        made.append(database)
    city = City(label, directory, load_args, database)
    run_flask(["db", "upgrade"], city)
    started = time.perf_counter()
    summary = "reused" if settings.reuse and label == "normal" else run_flask(["demo", "load", *load_args], city)
    city.load_seconds = time.perf_counter() - started
    city.sites = database.scalar("select count(*) from tenants")
    city.articles = database.scalar("select count(*) from articles")
    print(f"  {label:<10} {' '.join(load_args) or '(defaults)':<32} {city.sites:>5} sites {city.articles:>7} articles"
          f"  load {city.load_seconds:6.1f} s   [{summary.splitlines()[-1] if summary else ''}]", flush=True)
    return city


# --------------------------------------------------------------------------- the request mix


def active_sites(city: City) -> list[tuple[int, str, str]]:
    """(tenant id, slug, primary hostname) of every site that is open to the public."""
    return [tuple(row) for row in city.rows(
        "select t.id, t.slug, d.hostname from tenants t "
        "join tenant_domains d on d.tenant_id = t.id and d.is_primary "
        "where t.status = 'active' order by t.id")]


def city_now() -> str:
    """Now on the city's clock (Asia/Shanghai, UTC+8, no DST), as the app stores timestamps."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() + 8 * 3600))


def newest_articles(city: City, tenant_id: int, limit: int) -> list[int]:
    """The site's newest published article ids (not future-dated: those would be 404s)."""
    rows = city.rows(
        "select id from articles where tenant_id = :tenant and status = 'published' and published_at <= :now "
        "order by published_at desc limit :limit", tenant=tenant_id, now=city_now(), limit=limit)
    return [r[0] for r in rows]


def request_mix(city: City) -> list[tuple[str, str]]:
    """Per site its homepage and newest articles, interleaved so consecutive requests change site."""
    sites = active_sites(city)
    if not sites:
        raise BenchError("the demo city has no active site")
    rounds: list[list[tuple[str, str]]] = [[] for _ in range(1 + ARTICLES_PER_SITE)]
    for tenant_id, slug, hostname in sites:
        rounds[0].append((hostname, "/"))
        ids = newest_articles(city, tenant_id, ARTICLES_PER_SITE)
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
               "--worker-class", "sync", "--no-control-socket"]
    with log.open("w") as log_file:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        # A loaded machine (or the writer starting its own app beside it) can take long to boot two workers.
        wait_until_answering(process, port, log, timeout=120.0)
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
            settings: Settings, log: Path, writer: BackgroundWriter | None = None) -> WrkResult:
    """Start a server, check and warm it, then one measured wrk run; no server error may pass unseen.

    With a `writer` (started already: its app starts while the server does), it publishes for the whole
    measured run; its items are then checked on the server still running (`BackgroundWriter.check`).
    """
    with gunicorn(app_spec, env, settings, log) as port:
        write_mix(mix, port, mix_file)
        preflight(port, mix)
        if settings.warmup:
            run_wrk(port, mix_file, settings, settings.warmup)
        if writer is None:
            result = run_wrk(port, mix_file, settings, settings.duration)
        else:
            writer.wait_ready()
            writer.go()
            result = run_wrk(port, mix_file, settings, settings.duration)
            writer.finish()
            writer.check(port)
    if "Traceback" in log.read_text():
        raise BenchError(f"the server logged an exception during the run:\n{log.read_text()[-4000:]}")
    return result


# --------------------------------------------------------------------------- the background writer


@dataclass
class Published:
    seconds: float  # since the writer started publishing
    host: str
    article_id: int
    title: str


class BackgroundWriter:
    """bench/writer.py in a process of its own: publishes WRITER_RATE items a second for `seconds`.

    Its output is read by a thread as it comes (a full pipe would stall it). `finish` waits for its summary
    and refuses a count far from the rate or any failed publish; `check` then asks the server for the last
    item's page and its site's homepage, which must show it: the worker's kept homepage is dropped by the
    publish (a stale page would be a failed invalidation, not a figure).
    """

    def __init__(self, city: City, seconds: float, log: Path):
        self.seconds, self.log = seconds, log
        self.items: list[Published] = []
        self.summary: dict[str, str] = {}
        self.lines: list[str] = []
        self._ready = threading.Event()
        self.process = subprocess.Popen(
            [sys.executable, str(BENCH / "writer.py"), "--seconds", str(seconds), "--rate", str(WRITER_RATE),
             "--wait"], cwd=ROOT, env=app_env(city), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, start_new_session=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)
            words = line.split()
            if line.startswith("WRITER ready"):
                self._ready.set()
            elif words[:1] == ["PUBLISHED"] and len(words) >= 5:
                self.items.append(Published(float(words[1]), words[2], int(words[3]),
                                            line.rstrip("\n").split(" ", 4)[4]))
            elif words[:1] == ["WRITER"]:
                self.summary = dict(word.split("=", 1) for word in words[1:] if "=" in word)
        self._ready.set()  # ended: wait_ready must not hang on a writer that died at start

    def wait_ready(self, timeout: float = 180.0) -> None:
        if not self._ready.wait(timeout) or self.process.poll() is not None:
            self.stop()
            raise BenchError(f"the background writer did not start:\n{''.join(self.lines)[-3000:]}")

    def go(self) -> None:
        self.process.stdin.write("go\n")
        self.process.stdin.flush()

    def finish(self) -> None:
        """Wait for the writer's end; refuse a failed publish or a rate far from WRITER_RATE."""
        try:
            self.process.wait(timeout=self.seconds + 60)
        except subprocess.TimeoutExpired:
            self.stop()
            raise BenchError("the background writer did not finish in time") from None
        self._reader.join(timeout=5)
        self.log.write_text("".join(self.lines))
        if self.process.returncode != 0 or not self.summary:
            raise BenchError(f"the background writer failed ({self.process.returncode}):\n"
                             f"{''.join(self.lines)[-3000:]}")
        expected = self.seconds * WRITER_RATE
        if not expected * 0.9 - 1 <= len(self.items) <= expected + 1:
            raise BenchError(f"the background writer published {len(self.items)} items in {self.seconds:g} s, "
                             f"not about {expected:g}: its figure is not the one asked for")

    def check(self, port: int) -> None:
        """The last item is a 200 on its site, and its site's homepage shows it (a stale kept page would not)."""
        if not self.items:
            raise BenchError("the background writer published nothing")
        last = self.items[-1]
        status, body = http_get(port, f"{last.host}:{port}", f"/articles/{last.article_id}")
        if status != 200:
            raise BenchError(f"the writer's last item {last.host}/articles/{last.article_id} answered {status}")
        status, home = http_get(port, f"{last.host}:{port}", "/")
        if status != 200 or last.title.encode() not in body or last.title.encode() not in home:
            raise BenchError(f"{last.host}/ does not show the item just published ({last.article_id}): "
                             "a kept page outlived its content version")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    @property
    def rate(self) -> float:
        return len(self.items) / float(self.summary.get("seconds") or self.seconds)


# --------------------------------------------------------------------------- queries per page


def sample_pages(city: City) -> tuple[str, dict[str, str]]:
    """A representative department site and the paths of its three page types."""
    tenant_id, hostname = city.rows(
        "select t.id, d.hostname from tenants t join tenant_domains d on d.tenant_id = t.id and d.is_primary "
        "where t.status = 'active' and t.kind = 'department' order by t.id limit 1")[0]
    article_id = newest_articles(city, tenant_id, 1)[0]
    with_files = city.rows(
        "select a.id from articles a where a.tenant_id = :tenant and a.status = 'published' and a.published_at <= :now "
        "and exists (select 1 from attachments f where f.article_id = a.id) order by a.published_at desc limit 1",
        tenant=tenant_id, now=city_now())
    news = city.rows("select slug from sections where tenant_id = :tenant and mandatory_key = 'news'",
                     tenant=tenant_id)[0][0]
    pages = {"homepage": "/", "article": f"/articles/{article_id}", "section list": f"/sections/{news}/",
             "section page 2": f"/sections/{news}/?page=2"}
    if with_files:
        pages["article + files"] = f"/articles/{with_files[0][0]}"
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
                      "PAGE_CACHE_ENTRIES": 1000 if cached else 0,
                      # No page views counted here: they would be written at this process's exit, after the
                      # scratch database is gone (a page view costs no statement anyway: bench/visits.py).
                      "VISITS_STORE": "off"})
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
    print(f"data:    {city.database.kind}" + (f" (database {city.database.name})" if city.database.name else "")
          + (f" (reused: {settings.reuse.split('@')[-1]})" if settings.reuse else ""))
    homepages = sum(1 for _, p in mix if p == "/")
    print(f"mix:     {len(mix)} URLs = {homepages} homepages + {len(mix) - homepages} articles, "
          f"Host rotated over {homepages} sites ({city.sites} sites, {city.articles} articles in the city)")


def print_throughput(results: dict[str, WrkResult], ceiling: WrkResult,
                     writer: BackgroundWriter | None) -> None:
    """One row per scenario and the ceiling's; each scenario's ratio to the ceiling against its target."""
    print()
    print(f"{'':<34}{'req/s':>9}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'requests':>10}{'ratio':>7}"
          f"{'target':>8}  verdict")
    for name, r in results.items():
        scenario = SCENARIOS[name]
        ratio = r.rps / ceiling.rps if ceiling.rps else 0.0
        if scenario.target is None:
            target, verdict = "-", "(no target)"
        else:
            target, verdict = ">= " + format(scenario.target, ".2f"), "met" if ratio >= scenario.target else "NOT met"
        print(f"{scenario.label:<34}{r.rps:>9.1f}{r.p50_ms:>9.2f}{r.p90_ms:>9.2f}{r.p99_ms:>9.2f}{r.requests:>10}"
              f"{ratio:>7.2f}{target:>8}  {verdict}")
    r = ceiling
    print(f"{'ceiling (Flask + Jinja)':<34}{r.rps:>9.1f}{r.p50_ms:>9.2f}{r.p90_ms:>9.2f}{r.p99_ms:>9.2f}"
          f"{r.requests:>10}")
    print("all responses 200: yes (wrk non-200 = 0, socket errors = 0, in every run)")
    if "cold" in results and "floor" in results:
        print(cold_budget(results["cold"].rps, results["floor"].rps, ceiling.rps))
    if writer is not None:
        print(f"background writer: {len(writer.items)} items published in {writer.summary.get('seconds')} s "
              f"({writer.rate:.2f}/s, asked {WRITER_RATE:g}/s) on {len({i.host for i in writer.items})} sites, "
              f"through create_article + apply_transition; the last one shown at once on its site's homepage")


def cold_budget(cold_rps: float, floor_rps: float, ceiling_rps: float) -> str:
    """Where a cold page's time goes, in ceiling requests (the time the ceiling takes for one answer, on the same
    machine in the same run): the floor's share (what any public answer costs: the request hooks) and the page's
    own (its queries and templates), and what the page's own may cost for the cold target. Returns the lines."""
    if not (cold_rps and floor_rps and ceiling_rps):
        return "cold render budget: not measured"
    cold, floor = ceiling_rps / cold_rps, ceiling_rps / floor_rps
    allowed = 1 / SCENARIOS["cold"].target - floor
    return (f"cold render budget, in ceiling requests: a cold page costs {cold:.2f}; any public answer "
            f"{floor:.2f} (the floor: its request hooks, {floor - 1:.2f} more than the ceiling's), the page's own "
            f"work (queries, templates) {cold - floor:.2f}.\n"
            f"  For >= {SCENARIOS['cold'].target:.2f} a page may cost {1 / SCENARIOS['cold'].target:.2f} in all: "
            f"its own work {allowed:.2f} with the floor as it is ({100 * (1 - allowed / (cold - floor)):.0f} % "
            f"less than now).")


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
          f"Besides, each worker re-reads the registry version once every {TENANT_CACHE_TTL} s (+1 statement),")
    print("and the content version (registry_versions 'content') at most every CONTENT_VERSION_SECONDS (0.2 s): "
          "on a slow machine that read can fall in a counted page (+1), cached or not.")
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
    databases: list[ScratchDatabase] = []
    writer = None
    try:
        print(f"building demo cities ({'reusing one' if settings.reuse else settings.database}) in {workdir}",
              flush=True)
        city = build_city(workdir, "normal", [], settings, databases)
        cities = {"normal": city}
        if settings.scale_check:
            cities["scale x10"] = build_city(workdir, "scale10", ["--scale", "10", "--news-per-site", "40"],
                                             settings, databases)
            cities["news 400"] = build_city(workdir, "news400", ["--news-per-site", "400"], settings, databases)

        mix = request_mix(city)
        print_settings(settings, city, mix)
        results: dict[str, WrkResult] = {}
        for name in settings.scenarios:
            scenario = SCENARIOS[name]
            print(f"\nloading govsites: {scenario.label} …", flush=True)
            env = app_env(city)
            if not scenario.page_cache:
                env["GOVSITES_PAGE_CACHE_ENTRIES"] = "0"
            if scenario.writer:
                writer = BackgroundWriter(city, settings.duration, workdir / "writer.log")
            scenario_mix = mix if scenario.path is None else [(host, scenario.path) for host, p in mix if p == "/"]
            results[name] = measure("wsgi:app", env, scenario_mix, workdir / f"mix-{name}.txt", settings,
                                    workdir / f"gunicorn-{name}.log", writer if scenario.writer else None)
        print("loading the ceiling …", flush=True)
        ceiling = measure("bench.ceiling:app", app_env(city), mix, workdir / "mix-ceiling.txt", settings,
                          workdir / "gunicorn-ceiling.log")
        print_throughput(results, ceiling, writer)

        query_results = {f"{label}, rendered": count_queries(c, cached=False) for label, c in cities.items()}
        query_results["normal, cached"] = count_queries(city, cached=True)
        print_queries(query_results, {label: cities[label.split(",")[0]] for label in query_results},
                      settings.show_sql)
        print(f"\nload average {' '.join(f'{x:.2f}' for x in os.getloadavg())} after the runs")
        return 0
    except BenchError as error:
        print(f"\nBENCHMARK FAILED: {error}", file=sys.stderr)
        return 1
    finally:
        if writer is not None:
            writer.stop()
        if settings.keep:
            print(f"\nkept {workdir}" + "".join(f", database {d.name}" for d in databases if d.name))
        else:
            for database in databases:
                database.drop()
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
