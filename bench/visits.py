"""Benchmark what counting visits costs the public pages: throughput with counting off, in memory, and in Redis.

Run from the repository root (a Redis on 127.0.0.1:6379 for the Redis rows; without one they are left out):

    .venv/bin/python bench/visits.py [--duration 10] [--rounds 3] [--connections 16] [--workers 2]

What it does, and why:

1. Builds the demo city in a temporary SQLite database, as bench/run.py does (its functions are used here),
   and takes run.py's request mix: every site's homepage and its three newest articles, the Host rotating
   over every site, each request with a browser's User-Agent (a request without one is not counted).
2. Serves it with gunicorn and loads it with wrk, once per setting, in turn (each round starting with the
   next setting), for `--rounds` rounds:
   VISITS_STORE=off; memory (each worker writes its own counts); redis (each worker sends its counts every
   VISITS_PUSH_SECONDS=2); and redis with a round trip per page view (VISITS_PUSH_SECONDS=0). Interleaving
   the settings spreads the machine's other load over all of them; the median of the rounds is compared with
   "off". The target: counting costs at most 5 % (ratio >= 0.95).
   Besides req/s, the CPU time the gunicorn processes spent per request in the measured run (/proc: user +
   system, every thread, the flushing ones included): what bounds the throughput of a CPU-bound server, and a
   figure that other load on the machine disturbs far less than req/s. Its ratio is the target's measure.
3. Checks that every page view the server answered was counted, once: after each run gunicorn is stopped
   gracefully (its workers write or push their last counts at exit), the `visits.flush` job runs (Redis: it
   moves the counts to the database), and the database must hold as many new page views as wrk's requests,
   warm-up included (plus at most the requests in flight when wrk stopped, one per connection).
4. In-process, on a warm worker: the median time of a cached homepage and of a cached article with each
   setting; and the counting hook alone, called in a resolved request context — the steady figures, which
   hardly depend on what else the machine runs.

Nothing here changes the app; the temporary directory and the Redis keys of the run are removed at the end.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run as base  # noqa: E402  (bench/run.py: the city, gunicorn, wrk)

REDIS_URL = "redis://127.0.0.1:6379"
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
RATIO_TARGET = 0.95


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of each measured wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every setting, interleaved")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--threads", type=int, default=0, help="wrk threads (default: min(cores, connections))")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unmeasured load before each run")
    parser.add_argument("--repeats", type=int, default=400, help="requests per in-process figure")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    threads = args.threads or max(1, min(os.cpu_count() or 1, args.connections))
    settings = base.Settings(args.duration, args.connections, threads, args.workers, args.warmup, False, False,
                             args.keep)
    return args, settings


def redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5).ping())
    except Exception:
        return False


def settings_to_compare(prefix: str, with_redis: bool) -> dict[str, dict[str, str]]:
    """label -> the environment of that setting."""
    found = {"off": {"GOVSITES_VISITS_STORE": "off"},
             # Every 5 s rather than the default minute, so that a run includes the workers' writes.
             "memory": {"GOVSITES_VISITS_STORE": "memory", "GOVSITES_VISITS_FLUSH_SECONDS": "5"}}
    if with_redis:
        redis = {"GOVSITES_VISITS_STORE": "redis", "GOVSITES_VISITS_REDIS_URL": REDIS_URL,
                 "GOVSITES_VISITS_REDIS_PREFIX": prefix}
        found["redis, pushed every 2 s"] = {**redis, "GOVSITES_VISITS_PUSH_SECONDS": "2"}
        found["redis, a round trip per view"] = {**redis, "GOVSITES_VISITS_PUSH_SECONDS": "0"}
    return found


def counted_views(city: base.City) -> int:
    """Page views in the database (sites and portal), every day together."""
    with sqlite3.connect(city.db_path) as con:
        return sum(con.execute(f"select coalesce(sum(page_views), 0) from {table}").fetchone()[0]
                   for table in ("visit_days", "portal_visit_days"))


def server_cpu_seconds(port: int) -> float:
    """CPU time (user + system, every thread) of the gunicorn processes serving `port`, from /proc."""
    total, tick = 0, os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            if b"gunicorn" not in command or f"127.0.0.1:{port}".encode() not in command:
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def measure(city, env, mix, workdir: Path, label: str, settings) -> tuple[base.WrkResult, int, int, float]:
    """One run: (wrk's result, requests sent with a browser's User-Agent, page views the database gained,
    the server's CPU milliseconds per request in the measured run)."""
    slug = label.split(",")[0].replace(" ", "-")
    log = workdir / f"gunicorn-{slug}.log"
    before = counted_views(city)
    with base.gunicorn("wsgi:app", env, settings, log) as port:
        mix_file = base.write_mix(mix, port, workdir / "mix.txt")
        base.preflight(port, mix)  # no User-Agent: not counted
        sent = 0
        if settings.warmup:
            sent += base.run_wrk(port, mix_file, settings, settings.warmup, agent=BROWSER).requests
        cpu = server_cpu_seconds(port)
        result = base.run_wrk(port, mix_file, settings, settings.duration, agent=BROWSER)
        cpu_ms = (server_cpu_seconds(port) - cpu) * 1000 / max(1, result.requests)
        sent += result.requests
    if "Traceback" in log.read_text():
        raise base.BenchError(f"the server logged an exception:\n{log.read_text()[-4000:]}")
    done = subprocess.run([base.FLASK, "jobs", "run-once", "visits.flush"], cwd=ROOT, env=env, capture_output=True,
                          text=True)
    if done.returncode != 0:
        raise base.BenchError(f"visits.flush failed:\n{done.stdout}{done.stderr}")
    return result, sent, counted_views(city) - before, cpu_ms


def in_process(city: base.City, prefix: str, with_redis: bool, repeats: int) -> dict[str, dict[str, float]]:
    """label -> {page: median CPU ms} of a cached page on a warm in-process worker, each setting its own app.

    CPU time of this process (time.process_time), not the clock's: the wait for Redis in the "round trip per
    view" setting is therefore not in it, only what the worker does for it.
    """
    from core import create_app
    from core.extensions import db

    hostname, pages = base.sample_pages(city)
    pages = {"homepage": pages["homepage"], "article": pages["article"]}
    configs = {label: {k.removeprefix("GOVSITES_"): v for k, v in env.items()}
               for label, env in settings_to_compare(prefix, with_redis).items()}
    apps = {}
    for label, config in configs.items():
        # TESTING: no flushing thread and no exit flush in this process (the counts are thrown away).
        apps[label] = create_app({"DATABASE_URL": city.url, "UPLOAD_FOLDER": str(city.uploads),
                                  "SECRET_KEY": "bench-only-secret", "TESTING": True, **config})
    times: dict[str, dict[str, list[float]]] = {label: {page: [] for page in pages} for label in apps}
    clients = {label: app.test_client() for label, app in apps.items()}
    for label, client in clients.items():
        for path in pages.values():
            client.get(path, base_url=f"http://{hostname}", headers={"User-Agent": BROWSER})
    for _ in range(repeats):  # interleaved, so that the machine's moments of load hit every setting alike
        for label, client in clients.items():
            for page, path in pages.items():
                started = time.process_time()
                client.get(path, base_url=f"http://{hostname}", headers={"User-Agent": BROWSER},
                           environ_base={"REMOTE_ADDR": f"10.{len(times[label][page]) % 250}.0.1"})
                times[label][page].append((time.process_time() - started) * 1000)
    for app in apps.values():
        with app.app_context():
            db.engine.dispose()
    return {label: {page: statistics.median(values) for page, values in by_page.items()}
            for label, by_page in times.items()}


def hook_cost(city: base.City, prefix: str, with_redis: bool, repeats: int) -> dict[str, float]:
    """label -> CPU µs the counting hook (`count_visit`) adds to one page view: the median of 5 batches' means.

    In a request context of an article page whose host and route are resolved, as after any real request;
    nothing else runs, so the figure hardly depends on the machine's other load.
    """
    from flask import Response

    from core import create_app
    from core.evaluation.visits import count_visit
    from core.extensions import db

    hostname, pages = base.sample_pages(city)
    costs = {}
    for label, env in settings_to_compare(prefix, with_redis).items():
        if label == "off":
            continue
        config = {k.removeprefix("GOVSITES_"): v for k, v in env.items()}
        app = create_app({"DATABASE_URL": city.url, "UPLOAD_FOLDER": str(city.uploads),
                          "SECRET_KEY": "bench-only-secret", "TESTING": True, **config})
        n = repeats if not label.endswith("per view") else max(1, repeats // 20)
        means = []
        with app.test_request_context(pages["article"], base_url=f"http://{hostname}",
                                      headers={"User-Agent": BROWSER}, environ_base={"REMOTE_ADDR": "10.1.2.3"}):
            app.preprocess_request()  # the host resolved (the site), the route's rule checked
            response = Response("<html></html>", mimetype="text/html")
            for _ in range(5):
                started = time.process_time()
                for _ in range(n):
                    count_visit(response)
                means.append((time.process_time() - started) / n * 1e6)
        with app.app_context():
            db.engine.dispose()
        costs[label] = statistics.median(means)
    return costs


def forget_redis_keys(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)


def main(argv=None) -> int:
    args, settings = parse_args(argv)
    if not Path(base.WRK).exists():
        print("BENCHMARK FAILED: wrk is not installed (apt-get install -y wrk)", file=sys.stderr)
        return 1
    with_redis = redis_answers()
    prefix = f"bench:visits:{uuid.uuid4().hex[:12]}:"
    workdir = Path(tempfile.mkdtemp(prefix="govsites-bench-visits-"))
    try:
        print(f"building the demo city in {workdir}", flush=True)
        city = base.build_city(workdir, "normal", [])
        mix = base.request_mix(city)
        compared = settings_to_compare(prefix, with_redis)
        print(f"\nmachine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; load average "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} before the runs")
        print(f"server:  gunicorn -w {settings.workers} --worker-class sync; wrk -t {settings.threads} "
              f"-c {settings.connections} -d {settings.duration}s after {settings.warmup}s warm-up, "
              f"{args.rounds} rounds, the settings in turn")
        print(f"mix:     {len(mix)} URLs (every site's homepage and 3 newest articles), a browser's User-Agent")
        if not with_redis:
            print(f"         no Redis answers at {REDIS_URL}: the Redis settings are left out")
        results: dict[str, list[base.WrkResult]] = {label: [] for label in compared}
        checks: dict[str, list[tuple[int, int]]] = {label: [] for label in compared}
        cpu: dict[str, list[float]] = {label: [] for label in compared}
        labels = list(compared)
        for n in range(1, args.rounds + 1):
            # Each round starts with another setting, so that no setting always runs first (or after the same one).
            for label in labels[(n - 1) % len(labels):] + labels[:(n - 1) % len(labels)]:
                extra = compared[label]
                env = {**base.app_env(city), **extra}
                result, sent, counted, cpu_ms = measure(city, env, mix, workdir, label, settings)
                results[label].append(result)
                checks[label].append((sent, counted))
                cpu[label].append(cpu_ms)
                print(f"  round {n}  {label:<30} {result.rps:9.1f} req/s  {cpu_ms:6.3f} CPU ms/req   "
                      f"sent {sent:>7}   counted {counted:>7}", flush=True)

        print()
        off = statistics.median(r.rps for r in results["off"])
        off_cpu = statistics.median(cpu["off"])
        print(f"{'':<32}{'median req/s':>13}{'p50 ms':>9}{'p99 ms':>9}{'vs off':>9}{'CPU ms/req':>12}"
              f"{'vs off':>9}   counted / sent")
        failures = []
        for label, runs in results.items():
            rps = statistics.median(r.rps for r in runs)
            p50 = statistics.median(r.p50_ms for r in runs)
            p99 = statistics.median(r.p99_ms for r in runs)
            sent = sum(s for s, _c in checks[label])
            counted = sum(c for _s, c in checks[label])
            ratio = rps / off if off else 0.0
            cpu_ms = statistics.median(cpu[label])
            note = "(counting off)" if label == "off" else f"{counted} / {sent}"
            print(f"{label:<32}{rps:>13.1f}{p50:>9.2f}{p99:>9.2f}{ratio:>9.3f}{cpu_ms:>12.3f}{off_cpu / cpu_ms:>9.3f}"
                  f"   {note}")
            if label != "off":
                slack = args.rounds * 2 * settings.connections  # in flight when wrk stopped (warm-up and run)
                if not sent <= counted <= sent + slack:
                    failures.append(f"{label}: {counted} page views counted for {sent} requests sent")
            elif counted:
                failures.append(f"off: {counted} page views counted")
        kept = [label for label in results if label != "off" and not label.endswith("per view")]
        worst = min(statistics.median(r.rps for r in results[label]) / off for label in kept)
        worst_cpu = min(off_cpu / statistics.median(cpu[label]) for label in kept)
        verdict = "met" if worst_cpu >= RATIO_TARGET else "NOT met"
        print(f"counting's worst throughput ratio (memory, redis pushed): {worst:.3f}; by the server's CPU per "
              f"request: {worst_cpu:.3f}  (target >= {RATIO_TARGET}: {verdict} by CPU; req/s on a busy machine is "
              "the noisier figure)")
        print("every page view answered was counted once: " + ("yes" if not failures else "NO"))

        print("\nin-process, warm worker, cached pages (median CPU ms of "
              f"{args.repeats} requests per setting, interleaved; the wait for Redis is not CPU):")
        costs = in_process(city, prefix, with_redis, args.repeats)
        base_costs = costs["off"]
        print(f"{'':<32}" + "".join(f"{page:>14}{'+µs':>8}" for page in base_costs))
        for label, by_page in costs.items():
            cells = "".join(f"{ms:>14.3f}{(ms - base_costs[page]) * 1000:>8.0f}" for page, ms in by_page.items())
            print(f"{label:<32}{cells}")
        print("\nthe counting hook alone, per page view (CPU µs, in-process; median of 5 batches):")
        for label, micros in hook_cost(city, prefix, with_redis, 20000).items():
            print(f"  {label:<30}{micros:>9.1f} µs")
        if failures:
            print("\nBENCHMARK FAILED: " + "; ".join(failures), file=sys.stderr)
            return 1
        return 0
    except base.BenchError as error:
        print(f"\nBENCHMARK FAILED: {error}", file=sys.stderr)
        return 1
    finally:
        if with_redis:
            forget_redis_keys(prefix)
        if args.keep:
            print(f"\nkept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
