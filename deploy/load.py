"""Load the running cluster with readers and writers, optionally with faults, then check that nothing was lost.

`deploy/load [--duration 300] [--faults]` against `deploy/local-cluster up` (see deploy/README.md, "Load and
faults"). Threads, each one person at a time, through nginx:

- readers: every site's home page and newest articles, in Chinese and English (mostly nginx's copies);
- applicants: fill in and send an online application (bench/submissions.py's citizen), read the receipt;
- letter writers: write to a site's consultation mailbox, read the receipt;
- officers (demo accounts): reply to the newest letters (a second officer approves where replies are
  reviewed), move the newest applications on (accept, approve, complete);
- editors (demo accounts): a collector's draft, sent to the editor, for review, approved, published.

Then the table per kind (requests, throughput, p50 / p99, errors by status or exception) and the checks, each
PASS or FAIL: every accepted submission stored exactly once, every published item stored once and visible, every
officer's step stored, no job run twice; with --faults also the faults' own checks. Exit 1 on a failed check,
2 when the cluster is not running.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import sys
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "bench"))
sys.path.insert(0, str(HERE))

import cluster  # noqa: E402
import load_checks  # noqa: E402
import load_faults  # noqa: E402
import load_users  # noqa: E402
from load_client import Browser, PageForms, Stats  # noqa: E402
from submissions import pct, reading_mix, targets  # noqa: E402

#: When each fault happens, as a share of the run.
FAULTS = (0.12, "worker"), (0.27, "host"), (0.45, "postgresql"), (0.60, "scheduler"), (0.80, "redis")
#: After a fault, how long its errors are put down to it (beyond the fault's own time).
FAULT_TAIL_SECONDS = 15.0


class Database:
    """The cluster's database as bench/submissions.py's helpers read a city: `rows(sql, **params)`."""

    def rows(self, sql: str, **params) -> list:
        from sqlalchemy import create_engine, text

        from core.config import normalise_database_url

        engine = create_engine(normalise_database_url(cluster.DATABASE_URL))
        try:
            with engine.connect() as con:
                return list(con.execute(text(sql), params))
        finally:
            engine.dispose()


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="deploy/load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=300, help="seconds of load (default 300)")
    parser.add_argument("--faults", action="store_true", help="kill a worker, a host, the leading scheduler; "
                        "restart PostgreSQL and Redis, during the load")
    parser.add_argument("--skip-fault", action="append", default=[], choices=[name for _at, name in FAULTS],
                        help="leave this fault out (repeatable), e.g. postgresql on a server others are using")
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--applicants", type=int, default=2)
    parser.add_argument("--letter-writers", type=int, default=2)
    parser.add_argument("--officers", type=int, default=2)
    parser.add_argument("--editors", type=int, default=2)
    parser.add_argument("--staff-sites", type=int, default=8, help="sites whose officers and editors work (default 8)")
    parser.add_argument("--think", type=float, default=0.3,
                        help="mean seconds a writer waits between two submissions (readers never wait)")
    return parser.parse_args(argv)


def letter_hosts(port: int, hosts: list[str]) -> list[str]:
    """The sites whose consultation mailbox shows its form."""
    found = []
    for host in hosts:
        page = Browser(Stats(), port, host, "127.0.0.1").get("setup", "/interaction/write/consultation")
        if page.status == 200 and any(f.multipart for f in PageForms(page.text).forms):
            found.append(host)
    return found


def staff_sites(accounts: dict, apply_hosts: set[str], count: int) -> list[str]:
    """Slugs of sites with officers and editors, those taking applications first."""
    slugs = sorted({u.split(".")[0] for u in accounts if u.endswith(".collector")})
    first = [s for s in slugs if f"{s}.serviceofficer" in accounts and accounts[f"{s}.serviceofficer"][0]
             in apply_hosts]
    return (first + [s for s in slugs if s not in first])[:count]


def city_now() -> datetime:
    from core.timeutil import CITY_TZ

    return datetime.now(CITY_TZ).replace(tzinfo=None)


def run_faults(args, port: int, started: float, probe: tuple[str, str], results: list[dict]) -> None:
    """The faults at their moments, one after the other; each with its window and the time to recover. A fault
    waits for the previous one's window to close, so that every error is put down to one fault only."""
    free_from = started
    for share, name in FAULTS:
        if name in args.skip_fault:
            continue
        time.sleep(max(0.0, started + share * args.duration - time.monotonic(), free_from - time.monotonic()))
        began = time.monotonic()
        print(f"  fault at {began - started:5.0f} s: {name}", flush=True)
        sizes = load_faults.log_sizes()
        try:
            if name == "worker":
                figures = load_faults.kill_worker(cluster.HOSTS[0])
            elif name == "host":
                figures = load_faults.kill_host(cluster.HOSTS[1])
            elif name == "postgresql":
                figures = load_faults.restart_postgres()
            elif name == "scheduler":
                figures = load_faults.kill_scheduler()
            else:
                figures = load_faults.restart_redis(port, probe[0])
                figures["fallback_logged"] = load_faults.fallback_logged(sizes)
        except Exception as error:  # a fault that could not be caused is reported, and fails its check
            figures = {"error": f"{type(error).__name__}: {error}"}
        figures["recovered_s"] = load_faults.recovery(*probe)
        ended = time.monotonic()
        free_from = ended + FAULT_TAIL_SECONDS
        results.append({"fault": name, "at_s": round(began - started, 1), "took_s": round(ended - began, 1),
                        "window": (began, free_from), **figures})
        print(f"    {json.dumps({k: v for k, v in figures.items() if k != 'window'}, default=str)}", flush=True)


def report_kinds(stats: Stats, seconds: float) -> None:
    print(f"\n{'kind':<10}{'requests':>10}{'per s':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}   by status / exception")
    for kind in ("read", "apply", "letter", "officer", "editor"):
        k = stats.kinds.get(kind)
        if k is None:
            continue
        errors = sum(k.errors.values())
        if kind == "read" and stats.cache:
            total = sum(stats.cache.values())
            kind_note = f"  (nginx: {', '.join(f'{c} {n * 100 / total:.0f} %' for c, n in stats.cache.most_common())})"
        else:
            kind_note = ""
        reasons = ", ".join(f"{reason}: {n}" for reason, n in k.errors.most_common(6))
        print(f"{kind:<10}{len(k.latencies):>10}{len(k.latencies) / seconds:>8.1f}{pct(k.latencies, 50):>9.1f}"
              f"{pct(k.latencies, 99):>9.1f}{errors:>8}   {reasons}{kind_note}")


def errors_outside(stats: Stats, faults: list[dict]) -> list[tuple[float, str, str]]:
    windows = [f["window"] for f in faults]
    return [e for e in stats.timeline if not any(a <= e[0] <= b for a, b in windows)]


def fault_checks(faults: list[dict], after_probe: dict, skipped: list[str]) -> list[tuple[bool | None, str]]:
    """The faults' own checks (None: the fault was left out)."""
    by = {f["fault"]: f for f in faults}
    checks = []
    worker, host, pg, scheduler, redis = (by.get(n, {}) for n in ("worker", "host", "postgresql", "scheduler",
                                                                  "redis"))
    checks.append((worker.get("recovered_s") is not None and "error" not in worker,
                   f"gunicorn worker SIGKILLed: replaced after {worker.get('replaced_after_s')} s, "
                   f"both hosts answering after {worker.get('recovered_s')} s"))
    checks.append((host.get("answering_after_restart_s") is not None and host.get("recovered_s") is not None,
                   f"host2 SIGKILLed, started again after {host.get('down_s')} s: answering "
                   f"{host.get('answering_after_restart_s')} s after its start"))
    checks.append((pg.get("returncode") == 0 and pg.get("recovered_s") is not None and pg["recovered_s"] <= 30,
                   f"PostgreSQL restarted ({pg.get('restart_s')} s): both hosts answered a page reading the "
                   f"database {pg.get('recovered_s')} s later, without a restart of the app"))
    checks.append((bool(scheduler.get("within_a_minute")),
                   f"leading scheduler ({scheduler.get('killed')}) SIGKILLed: the lease taken by "
                   f"{scheduler.get('new_host')} after {scheduler.get('takeover_seconds')} s (limit 60 s)"))
    down = redis.get("limit_while_down", {})
    checks.append((redis.get("recovered_s") is not None and down.get("server_errors") == 0
                   and down.get("first_429_at") is not None and bool(redis.get("fallback_logged")),
                   f"Redis shut down for {redis.get('down_s')} s: the letter limit (5/min) still refused, at post "
                   f"{down.get('first_429_at')} (per worker, in memory), {down.get('server_errors')} 5xx, "
                   f"fallback logged: {redis.get('fallback_logged')}; answering {redis.get('recovered_s')} s after"))
    checks.append((after_probe.get("first_429_at") is not None and after_probe.get("server_errors") == 0,
                   f"Redis: after it came back: the letter limit refused at post {after_probe.get('first_429_at')} "
                   f"(6 = shared again)"))
    names = {"worker": "gunicorn worker", "host": "host2", "postgresql": "PostgreSQL", "scheduler": "leading "
             "scheduler", "redis": "Redis"}
    return [c for c in checks if not any(c[1].startswith(names[n]) for n in skipped)] + \
        [(None, f"{names[n]}: fault left out (--skip-fault {n})") for n in skipped]


def main(argv=None) -> int:
    args = parse_args(argv)
    if cluster.status(None) != 0:
        print("the cluster is not fully running: deploy/local-cluster up", file=sys.stderr)
        return 2
    os.environ.update(cluster.app_environment())
    port, run_id = cluster.PORT, secrets.token_hex(3)
    database = Database()
    reading = reading_mix(database)
    apply_targets = targets(database)
    hosts = sorted({h for h, _p in reading})
    accounts = load_users.read_accounts(cluster.STATE / "demo-accounts.csv")
    letters = letter_hosts(port, hosts)
    sites = staff_sites(accounts, {t.host for t in apply_targets}, args.staff_sites)
    probe = (apply_targets[0].host, f"/services/items/{apply_targets[0].item_id}/apply")
    print(f"load {run_id}: {len(hosts)} sites, {len(reading)} pages to read, {len(apply_targets)} items open online, "
          f"{len(letters)} mailboxes; staff of {', '.join(sites)}; {args.duration:.0f} s"
          f"{' with faults' if args.faults else ''}", flush=True)

    stats, ledger = Stats(), load_users.Ledger()
    world = load_users.World(port, stats, ledger, run_id, reading, apply_targets, letters, accounts,
                             time.monotonic() + args.duration, args.think)
    since, load_avg = city_now(), os.getloadavg()

    def stop_early(_signum, _frame) -> None:
        """SIGINT (Ctrl-C, or deploy/drill's `--load-command` stopping its load): every person finishes what they
        are doing and stops; the figures and the checks follow as after the whole duration."""
        world.deadline = time.monotonic()
        print("\nstopping: the load ends now, the checks follow", flush=True)

    signal.signal(signal.SIGINT, stop_early)
    threads = [threading.Thread(target=load_users.reader, args=(world, n)) for n in range(args.readers)]
    threads += [threading.Thread(target=load_users.applicant, args=(world, n)) for n in range(args.applicants)]
    threads += [threading.Thread(target=load_users.letter_writer, args=(world, n))
                for n in range(args.letter_writers)]
    threads += [threading.Thread(target=load_users.officer, args=(world, n, sites[n::args.officers]))
                for n in range(args.officers) if sites[n::args.officers]]
    threads += [threading.Thread(target=load_users.editor, args=(world, n, sites[n::args.editors]))
                for n in range(args.editors) if sites[n::args.editors]]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    faults: list[dict] = []
    fault_thread = None
    if args.faults:
        fault_thread = threading.Thread(target=run_faults, args=(args, port, started, probe, faults))
        fault_thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    if fault_thread is not None:
        fault_thread.join()
    until, load_after = city_now(), os.getloadavg()

    report_kinds(stats, elapsed)
    accepted = {k: sum(1 for s in ledger.submissions if s.kind == k and s.accepted) for k in ("application", "letter")}
    print(f"\n{elapsed:.0f} s; accepted: {accepted['application']} applications, {accepted['letter']} letters; "
          f"{len(ledger.published)} items published; {len(ledger.officer_steps)} officers' steps; load average "
          f"{load_avg[0]:.1f} before, {load_after[0]:.1f} after ({os.cpu_count()} cores)")

    for fault in faults:
        start, end = fault["window"]
        during = Counter(f"{kind} {reason}" for t, kind, reason in stats.timeline if start <= t <= end)
        print(f"  {fault['fault']:<11} at {fault['at_s']:>4.0f} s, {fault['took_s']:>5.1f} s: "
              f"{sum(during.values())} errors from its start to {FAULT_TAIL_SECONDS:.0f} s after"
              f"{' (' + ', '.join(f'{r}: {n}' for r, n in during.most_common(5)) + ')' if during else ''}")

    checks = load_checks.submissions(ledger)
    checks += load_checks.published(ledger, run_id, port, wait=float(cluster.PUBLIC_CACHE_SECONDS) + 5)
    checks.append(load_checks.officer_steps(ledger))
    checks.append(load_checks.jobs_once(since, until))
    outside = errors_outside(stats, faults)
    checks.append((not outside, f"errors outside the faults' windows: {len(outside)}"
                                f"{' (' + ', '.join(f'{k} {r}' for _t, k, r in outside[:5]) + ')' if outside else ''}"))
    after_probe = {}
    if args.faults:
        after_probe = load_faults.limit_probe(port, letters[0] if letters else hosts[0])
        checks += fault_checks(faults, after_probe, args.skip_fault)
    print()
    for passed, line in checks:
        print(f"{'SKIP' if passed is None else 'PASS' if passed else 'FAIL'}  {line}")
    results = {"run_id": run_id, "seconds": elapsed, "load_average": [load_avg, load_after],
               "kinds": {k: {"requests": len(v.latencies), "p50_ms": pct(v.latencies, 50),
                             "p99_ms": pct(v.latencies, 99), "errors": dict(v.errors)}
                         for k, v in stats.kinds.items()},
               "faults": [{k: v for k, v in f.items() if k != "window"} for f in faults],
               "limit_after_redis": after_probe, "checks": [{"passed": p, "what": w} for p, w in checks]}
    (cluster.STATE / "load-results.json").write_text(json.dumps(results, indent=2, default=str))
    return 0 if all(p is not False for p, _w in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
