"""Throughput of the running cluster (`deploy/local-cluster up` first) against its physical limits.

`deploy/throughput [--duration 15] [--connections 32] [--warmup 5]` prints two ratios, the ones RELIABILITY.md
reports:

1. **Through nginx against nginx's own limit.** Every active site's homepage and its three newest articles
   (bench/run.py's mix), asked for through the cluster's nginx — its cache in front of the two hosts, as the
   public gets them — against the very same pages saved as files and served by a second nginx of the same
   configuration (workers, connections, access log) from its disk: what nginx can do on this machine with no
   application at all. Target: at least 30 %.
2. **One host directly against the Flask ceiling.** The same mix sent straight to host 1's gunicorn (no nginx,
   no shared cache: each worker's own page cache), against `bench/ceiling.py` (Flask and one Jinja template, no
   database) under a gunicorn with the same number of workers. Target: at least 0.5.

Every answer must be a 200 (wrk with bench/mix.lua counts the others and the run fails). The static copies and
the second nginx's files are under the cluster's state folder; the second nginx and the ceiling are stopped at
the end, whatever happens. Figures depend on the machine: wrk, nginx and the hosts share its cores.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import cluster  # noqa: E402  (deploy/cluster.py, beside this file)
from bench import run as bench  # noqa: E402

STATIC = cluster.STATE / "static"
STATIC_CONF = """\
worker_processes {workers};
pid {state}/static-nginx.pid;
error_log {state}/static-nginx-error.log warn;
events {{
    worker_connections 4096;
}}
http {{
    log_format cluster '$remote_addr [$time_local] "$host" "$request" $status $body_bytes_sent t=$request_time';
    access_log {state}/static-nginx-access.log cluster buffer=64k flush=1s;
    client_body_temp_path {state}/tmp;
    proxy_temp_path {state}/tmp;
    fastcgi_temp_path {state}/tmp;
    uwsgi_temp_path {state}/tmp;
    scgi_temp_path {state}/tmp;
    default_type text/html;
    sendfile on;
    server_tokens off;
    server {{
        listen 127.0.0.1:{port} default_server;
        root {state}/pages/$host;
        location / {{
            try_files $uri/index.html =404;
        }}
    }}
}}
"""
THROUGH_NGINX_TARGET = 0.30
DIRECT_TARGET = 0.5
ARTICLES = 3


def request_mix() -> list[tuple[str, str]]:
    """(hostname, path) of every active site's homepage and newest articles, the sites interleaved as in
    bench/run.py: each request is for another site."""
    import psycopg

    moment = datetime.fromisoformat(bench.city_now())  # the city's clock, as the app compares publication times
    with psycopg.connect(cluster.DATABASE_URL) as conn:
        sites = conn.execute("SELECT t.id, d.hostname FROM tenants t JOIN tenant_domains d ON d.tenant_id = t.id "
                             "AND d.is_primary WHERE t.status = 'active' ORDER BY t.id").fetchall()
        rounds = [[(hostname, "/")] for _id, hostname in sites]
        for (tenant_id, hostname), one in zip(sites, rounds):
            rows = conn.execute("SELECT id FROM articles WHERE tenant_id = %s AND status = 'published' "
                                "AND published_at <= %s AND (expires_at IS NULL OR expires_at > %s) "
                                "ORDER BY published_at DESC, id DESC LIMIT %s",
                                (tenant_id, moment, moment, ARTICLES)).fetchall()
            one.extend((hostname, f"/articles/{row[0]}") for row in rows)
    width = max(len(one) for one in rounds)
    return [one[i] for i in range(width) for one in rounds if i < len(one)]


def save_pages(mix: list[tuple[str, str]]) -> int:
    """Save every page of the mix, as nginx hands it out, under STATIC/pages/<host>/<path>/index.html; bytes."""
    total = 0
    for hostname, path in mix:
        status, _headers, body = cluster.get(path, hostname)
        if status != 200:
            raise bench.BenchError(f"{status} for {hostname}{path} through nginx")
        target = STATIC / "pages" / hostname / path.strip("/") / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        total += len(body)
    return total


@contextmanager
def static_nginx(port: int) -> Iterator[int]:
    """A second nginx serving the saved pages, with the cluster nginx's worker count; stopped at the end."""
    (STATIC / "tmp").mkdir(parents=True, exist_ok=True)
    conf = STATIC / "nginx.conf"
    user = "user root;\n" if cluster.os.geteuid() == 0 else ""
    conf.write_text(user + STATIC_CONF.format(workers=2, state=STATIC, port=port))
    subprocess.run([cluster.NGINX, "-t", "-q", "-c", str(conf)], check=True)
    subprocess.run([cluster.NGINX, "-c", str(conf)], check=True)
    try:
        deadline = time.monotonic() + 10
        while not (STATIC / "static-nginx.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        yield port
    finally:
        subprocess.run([cluster.NGINX, "-c", str(conf), "-s", "stop"], check=False)


def load(port: int, mix: list[tuple[str, str]], name: str, settings: bench.Settings) -> bench.WrkResult:
    """Warm-up, then one measured wrk run of the mix against 127.0.0.1:`port`; any non-200 fails it."""
    mix_file = bench.write_mix(mix, cluster.PORT, STATIC / f"mix-{name}.txt")
    if settings.warmup:
        bench.run_wrk(port, mix_file, settings, settings.warmup)
    return bench.run_wrk(port, mix_file, settings, settings.duration)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="deploy/throughput", description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds of each measured run (default 15)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of unmeasured load before each (default 5)")
    args = parser.parse_args(argv)
    if cluster.status(None) != 0:
        print("the cluster is not fully running: deploy/local-cluster up", file=sys.stderr)
        return 2
    settings = bench.parse_args(["--duration", str(args.duration), "--connections", str(args.connections),
                                 "--warmup", str(args.warmup), "--workers", str(cluster.WORKERS)])
    try:
        mix = request_mix()
        size = save_pages(mix)
        print(f"{len(mix)} pages of {len(mix) // (ARTICLES + 1) or 1}+ sites, {size / len(mix) / 1024:.1f} KiB "
              f"on average; wrk -t{settings.threads} -c{settings.connections} -d{settings.duration}s "
              f"(+{settings.warmup} s warm-up)", flush=True)
        results = {"through nginx (cluster)": load(cluster.PORT, mix, "cluster", settings)}
        with static_nginx(bench.free_port()) as port:
            results["nginx, the pages as files"] = load(port, mix, "static", settings)
        results[f"host 1 directly ({cluster.WORKERS} workers)"] = load(cluster.HOSTS[0].port, mix, "direct",
                                                                       settings)
        log = STATIC / "gunicorn-ceiling.log"
        with bench.gunicorn("bench.ceiling:app", dict(cluster.os.environ), settings, log) as port:
            results[f"Flask ceiling ({cluster.WORKERS} workers)"] = load(port, mix, "ceiling", settings)
    except bench.BenchError as error:
        print(f"\nTHROUGHPUT FAILED: {error}", file=sys.stderr)
        return 1
    print(f"\n{'':<34}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'requests':>10}")
    for name, r in results.items():
        print(f"{name:<34}{r.rps:>10.1f}{r.p50_ms:>9.2f}{r.p99_ms:>9.2f}{r.requests:>10}")
    values = list(results.values())
    through, direct = values[0].rps / values[1].rps, values[2].rps / values[3].rps
    for label, ratio, target in (("through nginx / nginx static files", through, THROUGH_NGINX_TARGET),
                                 ("host 1 direct / Flask ceiling", direct, DIRECT_TARGET)):
        print(f"{label:<40} {ratio:5.2f}  (target >= {target}: {'met' if ratio >= target else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
