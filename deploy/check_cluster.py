"""Measure the running cluster (`deploy/local-cluster up` first): what deploy/README.md reports.

`deploy/check-cluster [--tries N] [--only publish|kill-host|scheduler]`:

1. publish: an item published, then withdrawn, through the app's own operations against the cluster's
   database, is visible (gone) through nginx within PUBLIC_CACHE_SECONDS, never later. Each try fills nginx's
   copy of the site's news list first, then waits a random part of the lifetime (the first try: none, the worst
   case) before the change; the delay is from the commit to the first answer through nginx that shows it.
2. kill-host: requests to every site through nginx (half of them past nginx's cache, so they reach a host)
   while host 1's gunicorn master and workers are SIGKILLed; every answer that is not a 200 is counted. The host
   is started again afterwards.
3. scheduler: the scheduler holding the lease is SIGKILLed; the time until the other host's scheduler holds it.
   The killed one is started again afterwards.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import cluster  # noqa: E402  (deploy/cluster.py, beside this file)


def _app():
    """The app on the cluster's database and keys, in this process: to publish as an editor's click would."""
    os.environ.update(cluster.app_environment())
    from core import create_app

    return create_app()


def _sites() -> list[str]:
    import psycopg

    with psycopg.connect(cluster.DATABASE_URL) as conn:
        rows = conn.execute("SELECT d.hostname FROM tenant_domains d JOIN tenants t ON t.id = d.tenant_id "
                            "WHERE d.is_primary AND t.status = 'active' ORDER BY d.hostname").fetchall()
    return [row[0] for row in rows]


def _fresh_copy(host: str, path: str) -> None:
    """Make nginx hold a copy of `path` stored just now (a MISS or an expired one refilled), waiting for it."""
    while True:
        status, headers, _body = cluster.get(path, host)
        if status == 200 and headers.get("X-Cache-Status") in ("MISS", "EXPIRED", "REVALIDATED"):
            return
        time.sleep(0.05)


def _until(host: str, path: str, shown, timeout: float) -> float:
    """Seconds until an answer through nginx satisfies `shown(body)` (polling every 50 ms); inf past `timeout`."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        status, _headers, body = cluster.get(path, host)
        if status == 200 and shown(body.decode("utf-8", "replace")):
            return time.monotonic() - start
        time.sleep(0.05)
    return float("inf")


def check_publish(app, tries: int) -> dict:
    """Publish and withdraw on a few sites; the delays until nginx shows each change."""
    from sqlalchemy import select

    from core.auth.models import User
    from core.content.models import Article
    from core.content.operations import create_article
    from core.extensions import db
    from core.publishing.operations import apply_transition
    from core.sections.queries import site_sections
    from tenants.models import Tenant
    from tenants.scoping import activate_tenant, crosses_tenants

    ttl = int(app.config["PUBLIC_CACHE_SECONDS"])
    path = "/sections/news/"

    @crosses_tenants("the check publishes and withdraws on the site it names, as that site's publisher")
    def change(slug: str, title: str | None = None, article_id: int | None = None) -> int:
        with app.app_context():
            tenant = db.session.execute(select(Tenant).where(Tenant.slug == slug)).scalar_one()
            with activate_tenant(tenant.id):
                if article_id is None:
                    section = next(s for s in site_sections() if s.slug == "news")
                    article = create_article(section=section, title=title, body_html="<p>check-cluster</p>")
                else:
                    publisher = db.session.execute(select(User).where(User.username == f"{slug}.publisher")) \
                        .scalar_one()
                    article = db.session.get(Article, article_id)
                    apply_transition(article, "withdraw", actor=publisher, comment="check-cluster")
                db.session.commit()
                found = article.id
            db.session.remove()
            return found

    slugs = ["rsj", "czj", "xxcyj", "jyj", "gaj", "mzj"]
    hosts = {slug: f"{slug}.localhost" for slug in slugs}
    published, withdrawn = [], []
    for attempt in range(tries):
        slug = slugs[attempt % len(slugs)]
        if cluster.get(path, hosts[slug])[0] != 200:
            slug = "rsj"
        host = hosts[slug]
        title = f"集群检查 {attempt} {random.randrange(10**9)}"
        _fresh_copy(host, path)
        time.sleep(0 if attempt == 0 else random.uniform(0, ttl))
        article_id = change(slug, title=title)
        published.append(_until(host, path, lambda body: title in body, timeout=ttl * 3))
        _fresh_copy(host, path)
        time.sleep(0 if attempt == 0 else random.uniform(0, ttl))
        change(slug, article_id=article_id)
        withdrawn.append(_until(host, path, lambda body: title not in body, timeout=ttl * 3))
        print(f"  try {attempt + 1} on {host}: published seen after {published[-1]:.2f} s, "
              f"withdrawal after {withdrawn[-1]:.2f} s", flush=True)
    worst = max(published + withdrawn)
    return {"ttl_seconds": ttl, "published": published, "withdrawn": withdrawn, "worst": worst,
            "within_ttl": worst <= ttl + 0.5}


def check_kill_host(seconds: float = 20.0, kill_at: float = 5.0, threads: int = 8) -> dict:
    """Requests to every site through nginx while host 1 is SIGKILLed; statuses counted."""
    sites = _sites()
    counts: Counter = Counter()
    per_site: Counter = Counter()
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    sequence = iter(range(10**9))

    def worker() -> None:
        while time.monotonic() < stop:
            n = next(sequence)
            host = sites[n % len(sites)]
            path = f"/?check={n}" if n % 2 else "/"  # every other request past nginx's cache, to a host
            status = cluster.get(path, host, timeout=10)[0]
            with lock:
                counts[status] += 1
                if status == 200:
                    per_site[host] += 1

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    time.sleep(kill_at)
    killed = cluster.kill_host(cluster.HOSTS[0])
    killed_at = time.monotonic()
    for thread in pool:
        thread.join()
    after = seconds - (killed_at - (stop - seconds))
    cluster.start_host(cluster.HOSTS[0], cluster.app_environment())
    restarted = cluster.wait_until_answering(cluster.HOSTS[0].port)
    errors = sum(count for status, count in counts.items() if status != 200)
    return {"requests": sum(counts.values()), "statuses": {str(k): v for k, v in counts.items()}, "errors": errors,
            "killed_pids": killed, "seconds_after_kill": round(after, 1), "sites": len(sites),
            "sites_answering": sum(1 for site in sites if per_site[site] > 0), "host1_restarted": restarted}


def check_scheduler(timeout: float = 120.0) -> dict:
    """SIGKILL the leading scheduler; seconds until the other host's scheduler holds the lease."""
    lease = cluster.lease_holder()
    if lease is None or not lease[1]:
        return {"error": "no scheduler holds the lease"}
    leader = cluster.scheduler_host(lease[0])
    if leader is None:
        return {"error": f"the lease holder {lease[0]} is no scheduler of this cluster"}
    os.kill(cluster.read_pid(leader.scheduler_pidfile), signal.SIGKILL)
    killed_at = time.monotonic()
    taken = None
    while time.monotonic() - killed_at < timeout:
        now = cluster.lease_holder()
        if now is not None and now[0] != lease[0] and now[1]:
            taken = time.monotonic() - killed_at
            break
        time.sleep(0.25)
    new = cluster.lease_holder()
    successor = cluster.scheduler_host(new[0]) if new else None
    cluster.start_host(leader, cluster.app_environment())
    return {"killed": leader.name, "old_holder": lease[0], "new_holder": new[0] if new else None,
            "new_host": successor.name if successor else None,
            "takeover_seconds": round(taken, 1) if taken is not None else None,
            "within_a_minute": taken is not None and taken <= 60}


def main() -> int:
    parser = argparse.ArgumentParser(prog="deploy/check-cluster", description=__doc__.split("\n\n")[0])
    parser.add_argument("--tries", type=int, default=4, help="publish/withdraw tries (default 4)")
    parser.add_argument("--only", choices=("publish", "kill-host", "scheduler"))
    args = parser.parse_args()
    if cluster.status(None) != 0:
        print("the cluster is not fully running: deploy/local-cluster up", file=sys.stderr)
        return 2
    results = {}
    if args.only in (None, "publish"):
        print("publish and withdraw through nginx:", flush=True)
        results["publish"] = check_publish(_app(), args.tries)
    if args.only in (None, "kill-host"):
        print("SIGKILL host1's gunicorn under load:", flush=True)
        results["kill_host"] = check_kill_host()
    if args.only in (None, "scheduler"):
        print("SIGKILL the leading scheduler:", flush=True)
        results["scheduler"] = check_scheduler()
    print(json.dumps(results, indent=2, default=str))
    (cluster.STATE / "check-results.json").write_text(json.dumps(results, indent=2, default=str))
    ok = (results.get("publish", {}).get("within_ttl", True) and results.get("kill_host", {}).get("errors", 0) == 0
          and results.get("scheduler", {}).get("within_a_minute", True))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
