"""A real server (gunicorn) over the demo city, and Debian's chromium driven by Playwright."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_env(tmp_path_factory):
    """The environment of the live city's processes (its own database, uploads and accounts file)."""
    folder = tmp_path_factory.mktemp("live")
    env = {**os.environ, "GOVSITES_DATABASE_URL": f"sqlite:///{folder / 'city.sqlite3'}",
           "GOVSITES_UPLOAD_FOLDER": str(folder / "uploads"), "SECRET_KEY": "browser-test",
           "GOVSITES_BACKUP_FOLDER": str(folder / "backups"),
           "GOVSITES_DEMO_ACCOUNTS_FILE": str(folder / "demo-accounts.csv"),
           # Cheap password hashes: the demo creates hundreds of accounts.
           "GOVSITES_ARGON2_TIME_COST": "1", "GOVSITES_ARGON2_MEMORY_KIB": "1024",
           "GOVSITES_ARGON2_PARALLELISM": "1"}
    env.pop("TEST_DATABASE_URL", None)
    return folder, env


def flask_command(env: dict, *args: str) -> str:
    """Run `flask …` against the live city; return its output."""
    result = subprocess.run([str(Path(sys.executable).parent / "flask"), *args], cwd=ROOT, env=env, check=True,
                            capture_output=True, text=True)
    return result.stdout


@pytest.fixture(scope="session")
def live_city(live_env):
    """Serve a freshly loaded demo city with gunicorn; yield its port and the demo accounts file."""
    folder, env = live_env
    bin_dir = Path(sys.executable).parent
    for args in (["db", "upgrade"], ["demo", "load", "--news-per-site", "25"]):
        subprocess.run([str(bin_dir / "flask"), *args], cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    log = folder / "gunicorn.log"
    server = subprocess.Popen([str(bin_dir / "gunicorn"), "wsgi:app", "-b", f"127.0.0.1:{port}", "-w", "2",
                               "--no-control-socket", "--error-logfile", str(log)],
                              cwd=ROOT, env={**env, "GOVSITES_PUBLIC_PORT": str(port)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://localhost:{port}/", timeout=1):  # the portal
                break
        except Exception:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(f"gunicorn did not start: {log.read_text()[-2000:] if log.exists() else ''}")
            time.sleep(0.2)
    yield port, folder / "demo-accounts.csv"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()
