"""The scaled-out deployment itself (deploy/local-cluster): nginx in front of two app hosts, a host lost.

Slow (a minute on a loaded database, several the first time) and it needs PostgreSQL, Redis and nginx: marked
`cluster`, left out of the default run. Run it with `pytest -m cluster tests/deploy`. It uses the cluster of
deploy/ (instance/cluster/, ports 8080, 8101, 8102): a cluster already running is left running, host 1 started
again; one it started, it stops.
"""
from __future__ import annotations

import importlib.util
import shutil
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.cluster

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _cluster():
    spec = importlib.util.spec_from_file_location("govsites_deploy_cluster", DEPLOY / "cluster.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def cluster():
    if shutil.which("nginx") is None:
        pytest.fail("nginx is not installed (apt-get install nginx)")
    module = _cluster()
    was_running = module.status(None) == 0
    assert module.main(["up"]) == 0
    yield module
    if was_running:
        module.start_host(module.HOSTS[0], module.app_environment())
        module.wait_until_answering(module.HOSTS[0].port)
    else:
        module.main(["down"])


def _pages(cluster, hosts, rounds: int = 3) -> list[int]:
    """Statuses of each site's home page through nginx, the cached copy and a copy past the cache (to a host)."""
    return [cluster.get(path, host, timeout=10)[0] for n in range(rounds) for host in hosts
            for path in ("/", f"/?cluster-test={time.monotonic_ns()}-{n}")]


def test_every_site_answers_through_nginx_with_a_host_killed(cluster):
    status, headers, body = cluster.get("/", "rsj.localhost")
    assert status == 200 and b"</html>" in body
    assert headers["Cache-Control"].startswith("public") and headers["ETag"]
    assert cluster.get("/", "rsj.localhost")[1]["X-Cache-Status"] == "HIT"
    hosts = ["localhost", "rsj.localhost", "czj.localhost", "xxcyj.localhost"]
    assert set(_pages(cluster, hosts)) == {200}
    assert cluster.kill_host(cluster.HOSTS[0])
    assert cluster.read_pid(cluster.HOSTS[0].gunicorn_pidfile) is None
    assert set(_pages(cluster, hosts)) == {200}


def test_an_unknown_host_is_refused_and_an_admin_page_never_cached(cluster):
    assert cluster.get("/", "nosuch.localhost")[0] == 404
    for _ in range(2):
        status, headers, _body = cluster.get("/admin/login", "rsj.localhost")
        assert status == 200 and headers["Cache-Control"] == "private, no-store"
        assert headers["X-Cache-Status"] in ("MISS", "BYPASS")
