"""Benchmark online applications: how many the platform files per second, and how fast, while the public reads.

Run from the repository root:

    .venv/bin/python bench/submissions.py                       # SQLite, 15 s per phase (about 2 minutes)
    .venv/bin/python bench/submissions.py --database postgresql # a fresh database on the local server

What it does:

1. Builds a fresh demo city (`flask db upgrade`, `flask demo load`) in a
   temporary SQLite file, or in a new PostgreSQL database it drops again.
2. Serves it with gunicorn (2 sync workers by default), as run.py does.
3. Four measured phases of `--duration` seconds each:
   - **reads**: wrk loads the public pages (every site's homepage and newest
     articles, the Host header rotating over all sites, bench/mix.lua);
   - **applications**: `--submitters` citizens, each a thread that opens an
     online item's apply page (the form, its CSRF token and cookie), fills in
     every field as a person would (name, a valid ID number, a mobile number,
     the item's own fields, a small PDF for each file, the declaration) and
     sends it, over and over, across every item open online on every site;
   - **both at once**: the applications while wrk reads;
   - **both, paced**: `--paced` applications a second (2 by default: 7 200
     an hour, more than a city's busiest hour) while wrk reads, to show what
     readers feel from a realistic stream of applications.
   Each application comes from its own loopback address (127.x.y.z), as
   citizens come from theirs, so the per-address rate limit of the apply form
   is met as in life, not switched off.
4. Prints applications per second and the latency of sending one (p50, p90,
   p99), the latency of opening the form, and the reads' throughput and
   latency alone and alongside; then checks that the database holds exactly
   the applications that were answered as filed.

It fails (exit 1) only when it cannot give a trustworthy figure: a command
fails, an application is not filed, wrk sees a non-200, or the server logs a
traceback. Figures depend on the machine: wrk, the submitters and both
workers share its cores.
"""
from __future__ import annotations

import argparse
import html.parser
import itertools
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import run  # noqa: E402  (bench/run.py: gunicorn, wrk and the reading mix)
from databases import DEFAULT_PG, ScratchDatabase  # noqa: E402

ROOT = run.ROOT
#: A one-page PDF: what a scanned material is, as far as the type check goes.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("建华", "志刚", "海燕", "丽萍", "晓东", "文杰", "玉兰", "红梅", "立新", "秀英")


@dataclass
class Settings:
    database: str
    pg_url: str
    duration: int
    submitters: int
    paced: float
    connections: int
    threads: int
    workers: int
    warmup: int
    news_per_site: int
    keep: bool


@dataclass
class Target:
    host: str
    item_id: int
    name: str


@dataclass
class Timings:
    form_ms: list[float] = field(default_factory=list)
    send_ms: list[float] = field(default_factory=list)
    filed: int = 0
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def parse_args(argv: list[str] | None = None) -> Settings:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="a PostgreSQL server's maintenance database "
                        "(a database bench_submissions_<random> is created next to it, and dropped)")
    parser.add_argument("--duration", type=int, default=15, help="seconds of each measured phase")
    parser.add_argument("--submitters", type=int, default=4, help="citizens sending applications at once")
    parser.add_argument("--paced", type=float, default=2.0,
                        help="applications per second of the last phase (a busy hour's peak, far above a city's)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections reading public pages")
    parser.add_argument("--threads", type=int, default=None, help="wrk threads (default: min(cores, connections))")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unmeasured load before each phase")
    parser.add_argument("--news-per-site", type=int, default=40, help="the demo city's news items per site")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (and the database)")
    args = parser.parse_args(argv)
    threads = args.threads or max(1, min(os.cpu_count() or 1, args.connections))
    return Settings(args.database, args.pg_url, args.duration, args.submitters, args.paced, args.connections,
                    threads, args.workers, args.warmup, args.news_per_site, args.keep)


# --------------------------------------------------------------------------- the city


class City:
    """A demo city in SQLite or in a fresh PostgreSQL database (bench/databases.py), reached through SQLAlchemy."""

    def __init__(self, workdir: Path, settings: Settings):
        self.directory = workdir / "city"
        self.directory.mkdir(parents=True)
        self.database = ScratchDatabase(settings.database, self.directory, pg_url=settings.pg_url,
                                        prefix="bench_submissions_")
        self.pg_admin = self.database.pg_admin
        self.db_name = self.database.name
        self.url = self.database.url
        self.uploads = self.directory / "uploads"

    def drop(self) -> None:
        self.database.drop()

    def engine(self):
        return self.database.engine()

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GOVSITES_")}
        env.update(
            GOVSITES_DATABASE_URL=self.url,
            GOVSITES_TENANT_CACHE_TTL=str(run.TENANT_CACHE_TTL),
            GOVSITES_UPLOAD_FOLDER=str(self.uploads),
            GOVSITES_DEMO_ACCOUNTS_FILE=str(self.directory / "demo-accounts.csv"),
            GOVSITES_ARGON2_TIME_COST="1",
            GOVSITES_ARGON2_MEMORY_KIB="1024",
            GOVSITES_PERSONAL_DATA_KEYS="aQ6x0m1dN9iGkq3yJmKJkW2m1aXb6h2c3kQpV6yq8sU=",
            GOVSITES_PERSONAL_DATA_INDEX_KEY="bench-only-index-key",
            SECRET_KEY="bench-only-secret",
            FLASK_APP="wsgi:app",
        )
        env.pop("DATABASE_URL", None)
        return env

    def flask(self, *args: str) -> str:
        done = subprocess.run([run.FLASK, *args], cwd=ROOT, env=self.env(), capture_output=True, text=True)
        if done.returncode != 0:
            raise run.BenchError(f"`flask {' '.join(args)}` failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        return done.stdout.strip()

    def scalar(self, sql: str, **params):
        return self.database.scalar(sql, **params)

    def rows(self, sql: str, **params) -> list:
        return self.database.rows(sql, **params)


def build(city: City, settings: Settings) -> str:
    city.flask("db", "upgrade")
    started = time.perf_counter()
    summary = city.flask("demo", "load", "--news-per-site", str(settings.news_per_site))
    took = time.perf_counter() - started
    return f"{summary.splitlines()[0]} in {took:.1f} s"


def targets(city: City) -> list[Target]:
    """Every item the public can apply for online, on every open site, by its site's primary hostname."""
    rows = city.rows(
        "select d.hostname, i.id, i.name from service_items i join tenants t on t.id = i.tenant_id "
        "join tenant_domains d on d.tenant_id = t.id and d.is_primary "
        "where t.status = 'active' and i.online_level = 'online' and i.published_guide is not null "
        "and i.catalogue_status != 'removed' order by t.id, i.position")
    if not rows:
        raise run.BenchError("the demo city has no item open for online application")
    return [Target(host, item_id, name) for host, item_id, name in rows]


def reading_mix(city: City) -> list[tuple[str, str]]:
    """Every open site's homepage and newest published articles, interleaved (as bench/run.py reads)."""
    sites = city.rows("select t.id, d.hostname from tenants t join tenant_domains d on d.tenant_id = t.id "
                      "and d.is_primary where t.status = 'active' order by t.id")
    rounds: list[list[tuple[str, str]]] = [[] for _ in range(1 + run.ARTICLES_PER_SITE)]
    for tenant_id, hostname in sites:
        rounds[0].append((hostname, "/"))
        ids = [r[0] for r in city.rows("select id from articles where tenant_id = :t and status = 'published' "
                                       "and published_at <= :now order by published_at desc limit :n",
                                       t=tenant_id, now=run.city_now(), n=run.ARTICLES_PER_SITE)]
        for n, article_id in enumerate(ids, start=1):
            rounds[n].append((hostname, f"/articles/{article_id}"))
    return [pair for one_round in rounds for pair in one_round]


# --------------------------------------------------------------------------- a citizen


class FormReader(html.parser.HTMLParser):
    """The controls of the page's application form (the POST form that sends files)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.action: str | None = None
        self.in_form = False
        self.controls: list[dict] = []
        self._select: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post" and "multipart" in (a.get("enctype") or ""):
            self.in_form, self.action = True, a.get("action")
        elif not self.in_form:
            return
        elif tag == "input" and a.get("name"):
            self.controls.append({"tag": "input", **a})
        elif tag == "select" and a.get("name"):
            self._select = {"tag": "select", "options": [], **a}
            self.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self._textarea = {"tag": "textarea", **a}
            self.controls.append(self._textarea)

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def id_number(rng) -> str:
    born = date(1965, 1, 1) + timedelta(days=rng.randint(0, 35 * 365))
    first17 = f"131003{born:%Y%m%d}{rng.randint(0, 999):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


def fill(controls: list[dict], rng) -> tuple[list[tuple[str, str]], list[tuple[str, str, bytes]]]:
    """What a careful applicant types and attaches: (fields, files)."""
    fields, files = [], []
    for c in controls:
        name, kind = c["name"], (c.get("type") or "text").lower()
        if c["tag"] == "select":
            fields.append((name, next((o for o in c["options"] if o), "")))
        elif c["tag"] == "textarea":
            fields.append((name, "申请材料已按办事指南准备齐全，请审核。"))
        elif kind == "hidden":
            fields.append((name, c.get("value", "")))
        elif kind in ("checkbox", "radio"):
            if kind == "checkbox" or not any(f[0] == name for f in fields):
                fields.append((name, c.get("value", "y")))
        elif kind == "file":
            files.append((name, "材料扫描件.pdf", PDF))
        elif kind in ("submit", "button"):
            continue
        elif name == "applicant_name":
            fields.append((name, rng.choice(SURNAMES) + rng.choice(GIVEN)))
        elif "id_number" in name:
            fields.append((name, id_number(rng)))
        elif kind == "tel" or name in ("phone", "mobile") or "phone" in name or "mobile" in name:
            fields.append((name, f"13{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}"))
        elif kind == "email" or "email" in name:
            fields.append((name, f"bench{rng.randint(1, 99999)}@example.com"))
        elif kind == "date":
            fields.append((name, (date.today() - timedelta(days=rng.randint(30, 3000))).isoformat()))
        elif kind == "number" or c.get("inputmode") in ("numeric", "decimal"):
            fields.append((name, str(rng.randint(1, 20))))
        else:
            limit = int(c.get("maxlength") or 60)
            fields.append((name, f"廊坊市广阳区新华路{rng.randint(1, 300)}号"[:limit]))
    return fields, files


def multipart(fields, files) -> tuple[bytes, str]:
    boundary = f"----govsites-bench-{uuid.uuid4().hex}"
    parts = []
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: application/pdf\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


_ADDRESSES = itertools.count(1)
_ADDRESS_LOCK = threading.Lock()


def next_address() -> str:
    """A loopback address of its own for each application (127.0.0.0/8 all reach the server on Linux)."""
    with _ADDRESS_LOCK:
        n = next(_ADDRESSES)
    return f"127.{1 + n // 62500 % 250}.{n // 250 % 250}.{1 + n % 250}"


def request(port: int, host: str, method: str, path: str, *, source: str, headers=None, body: bytes | None = None):
    import http.client

    con = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        con.request(method, path, body=body, headers={"Host": f"{host}:{port}", **(headers or {})})
        response = con.getresponse()
        return response.status, dict(response.getheaders()), response.getheader("Set-Cookie", ""), response.read()
    finally:
        con.close()


def apply_once(port: int, target: Target, rng, timings: Timings) -> None:
    """One citizen: open the form, fill it in, send it; time both, check it was filed."""
    source = next_address()
    path = f"/services/items/{target.item_id}/apply"
    started = time.perf_counter()
    status, _headers, set_cookie, page = request(port, target.host, "GET", path, source=source)
    form_ms = (time.perf_counter() - started) * 1000
    if status != 200:
        raise run.BenchError(f"GET {target.host}{path} answered {status}")
    reader = FormReader()
    reader.feed(page.decode("utf-8"))
    if not reader.controls:
        raise run.BenchError(f"{target.host}{path} has no application form")
    fields, files = fill(reader.controls, rng)
    body, content_type = multipart(fields, files)
    cookie = "; ".join(part.split(";")[0] for part in re.split(r",\s*(?=[A-Za-z0-9_\-]+=)", set_cookie) if part)
    started = time.perf_counter()
    status, headers, _, answer = request(port, target.host, "POST", reader.action or path, source=source, body=body,
                                         headers={"Content-Type": content_type, "Cookie": cookie})
    send_ms = (time.perf_counter() - started) * 1000
    location = headers.get("Location", "")
    with timings.lock:
        if status in (302, 303) and "/services/" in location:
            timings.filed += 1
            timings.form_ms.append(form_ms)
            timings.send_ms.append(send_ms)
        else:
            problems = re.findall(r'class="svc-errors"[^>]*>\s*<li>([^<]+)', answer.decode("utf-8", "replace"))
            timings.failures.append(f"{status} {target.host}{path} {location or ''} {problems[:3]}")


def submit_for(port: int, targets_: list[Target], settings: Settings, seconds: float,
               rate: float = 0.0) -> tuple[Timings, float]:
    """`submitters` threads applying for `seconds`, spread over every target; (timings, elapsed seconds).

    With a `rate`, the threads together start about that many applications a
    second (each waits its turn); without, each sends the next as soon as the
    last is answered.
    """
    import random

    timings = Timings()
    deadline = time.monotonic() + seconds
    start_at = itertools.count()

    def citizen(n: int) -> None:
        rng = random.Random(n)
        interval = settings.submitters / rate if rate else 0.0
        turn = time.monotonic() + n * interval / settings.submitters
        for k in itertools.count(next(start_at) * 17):
            if interval:
                time.sleep(max(0.0, min(turn, deadline) - time.monotonic()))
                turn += interval
            if time.monotonic() >= deadline:
                return
            try:
                apply_once(port, targets_[k % len(targets_)], rng, timings)
            except (run.BenchError, OSError) as error:
                with timings.lock:
                    timings.failures.append(str(error))

    threads = [threading.Thread(target=citizen, args=(n,), daemon=True) for n in range(settings.submitters)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return timings, time.perf_counter() - started


def inprocess_costs(city: City, items: list[Target], repeats: int = 30) -> dict[str, tuple[float, int]]:
    """Opening the form and sending it in-process, one request at a time: (median ms, SQL statements).

    What one application costs a worker with nothing else running, whatever
    the machine is busy with; each application from its own address, as in
    the measured phases.
    """
    import io
    import random

    from sqlalchemy import event

    from core import create_app
    from core.extensions import db

    env = city.env()
    app = create_app({"DATABASE_URL": city.url, "UPLOAD_FOLDER": str(city.uploads), "SECRET_KEY": env["SECRET_KEY"],
                      "PERSONAL_DATA_KEYS": (env["GOVSITES_PERSONAL_DATA_KEYS"],),
                      "PERSONAL_DATA_INDEX_KEY": env["GOVSITES_PERSONAL_DATA_INDEX_KEY"],
                      "TENANT_CACHE_TTL": float(run.TENANT_CACHE_TTL)})
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    rng = random.Random(7)
    times: dict[str, list[float]] = {"open the form": [], "send it": []}
    counts: dict[str, int] = {}
    try:
        for n in range(repeats + 1):
            target = items[n % len(items)]
            path = f"/services/items/{target.item_id}/apply"
            client = app.test_client()
            base = {"base_url": f"http://{target.host}", "environ_base": {"REMOTE_ADDR": next_address()}}
            statements.clear()
            started = time.perf_counter()
            page = client.get(path, **base)
            took = (time.perf_counter() - started) * 1000
            if page.status_code != 200:
                raise run.BenchError(f"in-process: {target.host}{path} answered {page.status_code}")
            if n:  # the first request of all warms the worker up
                times["open the form"].append(took)
                counts["open the form"] = len(statements)
            reader = FormReader()
            reader.feed(page.get_data(as_text=True))
            fields, files = fill(reader.controls, rng)
            data: dict = {}
            for name, value in fields:
                data.setdefault(name, value)
            for name, filename, content in files:
                data[name] = (io.BytesIO(content), filename)
            statements.clear()
            started = time.perf_counter()
            sent = client.post(reader.action or path, data=data, content_type="multipart/form-data", **base)
            took = (time.perf_counter() - started) * 1000
            if sent.status_code not in (302, 303):
                raise run.BenchError(f"in-process: sending {target.host}{path} answered {sent.status_code}")
            if n:
                times["send it"].append(took)
                counts["send it"] = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", record)
        engine.dispose()
    return {name: (statistics.median(values), counts[name]) for name, values in times.items()}


# --------------------------------------------------------------------------- phases


@dataclass
class Phase:
    label: str
    timings: Timings | None = None
    elapsed: float = 0.0
    reads: run.WrkResult | None = None


def wrk_settings(settings: Settings, duration: int) -> run.Settings:
    return run.Settings(duration, settings.connections, settings.threads, settings.workers, 0, False, False, False)


def measure(city: City, settings: Settings, workdir: Path) -> tuple[list[Phase], int]:
    mix = reading_mix(city)
    items = targets(city)
    log = workdir / "gunicorn.log"
    server = run.Settings(settings.duration, settings.connections, settings.threads, settings.workers,
                          settings.warmup, False, False, False)
    before = city.scalar("select count(*) from service_applications")
    phases = []
    with run.gunicorn("wsgi:app", city.env(), server, log) as port:
        mix_file = run.write_mix(mix, port, workdir / "mix.txt")
        run.preflight(port, mix)
        for target in items:  # every form opens (and both workers are warm)
            status = request(port, target.host, "GET", f"/services/items/{target.item_id}/apply",
                             source="127.0.0.1")[0]
            if status != 200:
                raise run.BenchError(f"the apply page of {target.host} item {target.item_id} answered {status}")
        print(f"  {len(items)} items open online on {len({t.host for t in items})} sites; "
              f"{len(mix)} public pages in the reading mix", flush=True)

        if settings.warmup:
            run.run_wrk(port, mix_file, wrk_settings(settings, settings.warmup), settings.warmup)
        print("  phase 1: reads only …", flush=True)
        phases.append(Phase("reads only", reads=run.run_wrk(port, mix_file, wrk_settings(settings, settings.duration),
                                                             settings.duration)))
        if settings.warmup:
            timings, elapsed = submit_for(port, items, settings, settings.warmup)
            phases.append(Phase("warm-up", timings, elapsed))
        print("  phase 2: applications only …", flush=True)
        timings, elapsed = submit_for(port, items, settings, settings.duration)
        phases.append(Phase("applications only", timings, elapsed))

        print("  phase 3: applications while the public reads …", flush=True)
        result: dict = {}
        reader = threading.Thread(target=lambda: result.update(
            reads=run.run_wrk(port, mix_file, wrk_settings(settings, settings.duration), settings.duration)))
        reader.start()
        time.sleep(0.3)  # wrk is connected before the first application
        timings, elapsed = submit_for(port, items, settings, settings.duration - 0.6)
        reader.join()
        phases.append(Phase("both at once", timings, elapsed, result.get("reads")))

        print(f"  phase 4: {settings.paced:g} applications a second while the public reads …", flush=True)
        result = {}
        reader = threading.Thread(target=lambda: result.update(
            reads=run.run_wrk(port, mix_file, wrk_settings(settings, settings.duration), settings.duration)))
        reader.start()
        time.sleep(0.3)
        timings, elapsed = submit_for(port, items, settings, settings.duration - 0.6, rate=settings.paced)
        reader.join()
        phases.append(Phase(f"both, {settings.paced:g}/s paced", timings, elapsed, result.get("reads")))
    if "Traceback" in log.read_text():
        raise run.BenchError(f"the server logged an exception:\n{log.read_text()[-4000:]}")
    filed = city.scalar("select count(*) from service_applications") - before
    return phases, filed


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def report(phases: list[Phase], filed: int, settings: Settings, city: City, built: str,
           costs: dict[str, tuple[float, int]]) -> None:
    print()
    print(f"database: {settings.database}; city: {built}")
    print(f"machine:  {os.cpu_count()} cores, Python {sys.version.split()[0]}; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} after the runs")
    print(f"server:   gunicorn -w {settings.workers} --worker-class sync; {settings.submitters} submitters "
          f"(threads, one loopback address per application); wrk -t {settings.threads} -c {settings.connections}; "
          f"{settings.duration} s per phase")
    print()
    print(f"{'applications':<22}{'filed':>7}{'per s':>8}{'send p50':>10}{'p90':>8}{'p99':>8}"
          f"{'form p50':>10}{'p99':>8}   (ms)")
    for phase in phases:
        t = phase.timings
        if t is None or phase.label == "warm-up":
            continue
        print(f"{phase.label:<22}{t.filed:>7}{t.filed / phase.elapsed:>8.1f}{pct(t.send_ms, 50):>10.1f}"
              f"{pct(t.send_ms, 90):>8.1f}{pct(t.send_ms, 99):>8.1f}{pct(t.form_ms, 50):>10.1f}"
              f"{pct(t.form_ms, 99):>8.1f}")
    print()
    print(f"{'public pages (wrk)':<22}{'req/s':>10}{'p50':>8}{'p90':>8}{'p99':>8}   (ms)")
    for phase in phases:
        r = phase.reads
        if r is not None:
            print(f"{phase.label:<22}{r.rps:>10.1f}{r.p50_ms:>8.2f}{r.p90_ms:>8.2f}{r.p99_ms:>8.2f}")
    print()
    print("in-process, one request at a time on a warm worker (median of 30; SQL statements):")
    for name, (ms, count) in costs.items():
        print(f"  {name:<16}{ms:>8.1f} ms {count:>4} statements")
    answered = sum(p.timings.filed for p in phases if p.timings)
    print()
    print(f"applications answered as filed: {answered} (warm-up included); rows added to the database: {filed}")


def main(argv: list[str] | None = None) -> int:
    settings = parse_args(argv)
    if not Path(run.WRK).exists():
        print("BENCHMARK FAILED: wrk is not installed (apt-get install -y wrk)", file=sys.stderr)
        return 1
    sys.path.insert(0, str(ROOT))
    workdir = Path(tempfile.mkdtemp(prefix="govsites-submissions-"))
    city = None
    try:
        city = City(workdir, settings)
        print(f"building the demo city ({settings.database}) in {workdir} …", flush=True)
        built = build(city, settings)
        print(f"  {built}", flush=True)
        phases, filed = measure(city, settings, workdir)
        failures = [f for p in phases if p.timings for f in p.timings.failures]
        costs = inprocess_costs(city, targets(city))
        report(phases, filed, settings, city, built, costs)
        if failures:
            raise run.BenchError(f"{len(failures)} applications were not filed, e.g.:\n  " + "\n  ".join(failures[:10]))
        answered = sum(p.timings.filed for p in phases if p.timings)
        if filed != answered:
            raise run.BenchError(f"{answered} applications were answered as filed but {filed} rows were added")
        return 0
    except run.BenchError as error:
        print(f"\nBENCHMARK FAILED: {error}", file=sys.stderr)
        return 1
    finally:
        if settings.keep:
            print(f"\nkept {workdir}" + (f" and database {city.db_name}" if city and city.pg_admin else ""))
        else:
            if city is not None:
                city.drop()
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
