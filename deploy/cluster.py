"""The scaled-out deployment on one machine: nginx in front, two app hosts, one PostgreSQL, one Redis.

`deploy/local-cluster up|down|status` (this file's `main`). Every piece stands for a machine of a real
deployment (deploy/README.md): each "host" is one gunicorn with its own scheduler process (`flask jobs run`,
one of the two holds the lease), both reading the same database, the same Redis, the same upload folder and
the same secret keys. Everything the cluster keeps is under STATE (instance/cluster/, never committed): the
generated keys, the uploads, the pid files, the logs, nginx's configuration and cache.

Settings, from the environment: CLUSTER_PORT (nginx, 8080), CLUSTER_HOST_PORTS (the hosts, "8101,8102"),
CLUSTER_WORKERS (gunicorn workers per host, 2), CLUSTER_DATABASE_URL
(postgresql://postgres@127.0.0.1:5432/govsites_cluster), CLUSTER_REDIS_URL (redis://127.0.0.1:6379/5: a
database of its own on a shared Redis), CLUSTER_STATE (instance/cluster), GOVSITES_PUBLIC_CACHE_SECONDS (10).
"""
from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STATE = Path(os.environ.get("CLUSTER_STATE", ROOT / "instance" / "cluster")).resolve()
PORT = int(os.environ.get("CLUSTER_PORT", "8080"))
HOST_PORTS = tuple(int(p) for p in os.environ.get("CLUSTER_HOST_PORTS", "8101,8102").split(","))
WORKERS = int(os.environ.get("CLUSTER_WORKERS", "2"))
DATABASE_URL = os.environ.get("CLUSTER_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/govsites_cluster")
REDIS_URL = os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/5")
PUBLIC_CACHE_SECONDS = int(os.environ.get("GOVSITES_PUBLIC_CACHE_SECONDS", "10"))
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

RUN, LOG, NGINX_DIR = STATE / "run", STATE / "log", STATE / "nginx"


@dataclass(frozen=True)
class Host:
    """One app host: a gunicorn on its port and a scheduler beside it."""
    number: int
    port: int

    @property
    def name(self) -> str:
        return f"host{self.number}"

    @property
    def gunicorn_pidfile(self) -> Path:
        return RUN / f"{self.name}-gunicorn.pid"

    @property
    def scheduler_pidfile(self) -> Path:
        return RUN / f"{self.name}-scheduler.pid"


HOSTS = tuple(Host(number, port) for number, port in enumerate(HOST_PORTS, start=1))


# --- state: keys generated once, shared by every host -------------------------------------------------------

def _kept_secret(name: str, make) -> str:
    """A value generated once into STATE/<name> (readable by this account only) and read back ever after."""
    path = STATE / name
    if not path.exists():
        path.write_text(make() + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


def app_environment() -> dict[str, str]:
    """The environment every host and every `flask` command of the cluster runs with: what all hosts share."""
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    env.update({
        "PATH": f"{BIN}:{env.get('PATH', '')}",
        "PYTHONPATH": str(ROOT),  # this tree's code, whatever the virtualenv's editable install points at
        "DATABASE_URL": DATABASE_URL,
        "SECRET_KEY": _kept_secret("secret_key", lambda: secrets.token_hex(32)),
        "GOVSITES_PERSONAL_DATA_KEYS": _kept_secret("personal_data_keys", lambda: Fernet.generate_key().decode()),
        "GOVSITES_PERSONAL_DATA_INDEX_KEY": _kept_secret("personal_data_index_key",
                                                         lambda: Fernet.generate_key().decode()),
        "GOVSITES_UPLOAD_FOLDER": str(STATE / "uploads"),
        "GOVSITES_BACKUP_FOLDER": str(STATE / "backups"),
        "GOVSITES_DEMO_ACCOUNTS_FILE": str(STATE / "demo-accounts.csv"),
        "GOVSITES_SECURITY_INTEGRITY_MANIFEST": str(STATE / "integrity-manifest.json"),
        "GOVSITES_RATELIMIT_STORAGE_URI": REDIS_URL,
        "GOVSITES_VISITS_REDIS_PREFIX": "govsites-cluster:visits:",
        "GOVSITES_VISITS_COUNTED_BY": "beacon",  # nginx answers most readers: each page's image counts them
        "GOVSITES_PROXY_FIX_HOPS": "1",
        "GOVSITES_PUBLIC_PORT": str(PORT),
        "GOVSITES_PUBLIC_CACHE_SECONDS": str(PUBLIC_CACHE_SECONDS),
    })
    pg_bin = Path("/usr/lib/postgresql") / _server_major()
    if pg_bin.is_dir() and "GOVSITES_BACKUP_PG_BIN_DIR" not in env:
        env["GOVSITES_BACKUP_PG_BIN_DIR"] = str(pg_bin / "bin")
    return env


def _server_major() -> str:
    try:
        import psycopg

        with psycopg.connect(_admin_url(), connect_timeout=3) as conn:
            return str(conn.info.server_version // 10000)
    except Exception:
        return "none"


def _admin_url() -> str:
    """The cluster database's server, its `postgres` maintenance database."""
    from sqlalchemy.engine import make_url

    return make_url(DATABASE_URL).set(drivername="postgresql", database="postgres").render_as_string(False)


# --- processes ----------------------------------------------------------------------------------------------

def read_pid(pidfile: Path) -> int | None:
    """The pid in `pidfile` when that process is alive, else None."""
    try:
        pid = int(pidfile.read_text().strip())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return None
    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] if Path(f"/proc/{pid}").exists() \
        else "Z"
    return None if state == "Z" else pid


def children(pid: int) -> list[int]:
    """The direct children of `pid` (a gunicorn master's workers)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _spawn(command: list[str], pidfile: Path, logfile: Path, env: dict[str, str]) -> int:
    """Start `command` in its own session (it outlives this script), logging to `logfile`; record its pid.

    A fork and exec rather than subprocess: the process is a daemon of the cluster, never waited for here.
    """
    log = os.open(logfile, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    pid = os.fork()
    if pid == 0:  # the child: a session of its own, the log as its output, then the program
        try:
            os.setsid()
            os.chdir(ROOT)
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            os.dup2(log, 1)
            os.dup2(log, 2)
            os.execve(command[0], command, env)
        finally:
            os._exit(127)
    os.close(log)
    pidfile.write_text(f"{pid}\n")
    return pid


def start_host(host: Host, env: dict[str, str]) -> None:
    """Start the host's gunicorn and scheduler, whichever is not running."""
    if read_pid(host.gunicorn_pidfile) is None:
        _spawn([str(BIN / "gunicorn"), "wsgi:app", "--no-control-socket", "--bind", f"127.0.0.1:{host.port}",
                "--workers", str(WORKERS), "--access-logfile", str(LOG / f"{host.name}-access.log"),
                "--forwarded-allow-ips", "127.0.0.1", "--graceful-timeout", "10"],
               host.gunicorn_pidfile, LOG / f"{host.name}-gunicorn.log", env)
    if read_pid(host.scheduler_pidfile) is None:
        _spawn([str(BIN / "flask"), "jobs", "run"], host.scheduler_pidfile, LOG / f"{host.name}-scheduler.log", env)


def kill_host(host: Host) -> list[int]:
    """SIGKILL the host's gunicorn master and its workers (a machine lost): return the pids killed."""
    master = read_pid(host.gunicorn_pidfile)
    if master is None:
        return []
    killed = [master, *children(master)]
    for pid in killed:
        os.kill(pid, signal.SIGKILL)
    return killed


def stop(pidfile: Path, *, wait: float = 15.0) -> None:
    """SIGTERM the process in `pidfile` (and, for a gunicorn, its workers follow), SIGKILL after `wait` seconds."""
    pid = read_pid(pidfile)
    if pid is None:
        pidfile.unlink(missing_ok=True)
        return
    workers = children(pid)
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + wait
    while read_pid(pidfile) is not None and time.monotonic() < deadline:
        time.sleep(0.2)
    for leftover in [pid, *workers]:
        try:
            os.kill(leftover, signal.SIGKILL)
        except ProcessLookupError:
            pass
    pidfile.unlink(missing_ok=True)


# --- nginx --------------------------------------------------------------------------------------------------

def _variants() -> tuple[dict[str, str], str]:
    """(lang cookie value -> the locale the app draws, the default's locale), as the app's config has them."""
    from babel import Locale

    from core.config import SETTINGS

    languages = SETTINGS["LANGUAGES"][0]
    default = str(Locale.parse(SETTINGS["BABEL_DEFAULT_LOCALE"][0]))
    return {code: str(Locale.parse(code)) for code in languages}, default


def nginx_conf() -> str:
    """nginx's configuration: every *.localhost host to the two app hosts, public pages cached per variant."""
    languages, default = _variants()
    lang_map = "\n".join(f'        "~^{code}$" "{locale}";' for code, locale in languages.items())
    same = "\n".join(f'        "{v};elder={e}|{v};elder={e}" 0;' for v in sorted({*languages.values(), default})
                     for e in (0, 1))
    servers = "\n".join(f"        server 127.0.0.1:{h.port} max_fails=1 fail_timeout=5s;" for h in HOSTS)
    user = "user root;" if os.geteuid() == 0 else ""
    template = (Path(__file__).parent / "nginx.conf.template").read_text()
    return template.format(user=user, state=STATE, port=PORT, servers=servers, lang_map=lang_map, default=default,
                           same_variant=same)


def start_nginx() -> None:
    conf = NGINX_DIR / "nginx.conf"
    conf.write_text(nginx_conf())
    for folder in ("cache", "tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
        (NGINX_DIR / folder).mkdir(parents=True, exist_ok=True)
    base = [NGINX, "-p", str(NGINX_DIR), "-c", str(conf), "-e", str(LOG / "nginx-error.log")]
    subprocess.run([*base, "-t", "-q"], check=True)
    if read_pid(RUN / "nginx.pid") is None:
        subprocess.run(base, check=True)  # nginx puts itself in the background and writes RUN/nginx.pid
    else:
        subprocess.run([*base, "-s", "reload"], check=True)


# --- the database and Redis ---------------------------------------------------------------------------------

def ensure_database() -> None:
    """Create the cluster's database on the PostgreSQL server when it is missing."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = make_url(DATABASE_URL).database
    with psycopg.connect(_admin_url(), autocommit=True, connect_timeout=5) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"database {name} created")


def check_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()


def prepare(env: dict[str, str]) -> None:
    """Schema, the demo city, the tamper check's baseline, the search entries: as scripts/serve does."""
    flask = str(BIN / "flask")
    for command in (["db", "upgrade"], ["security", "baseline", "--if-missing"], ["demo", "load", "--no-backup"],
                    ["search", "reindex", "--if-empty"]):
        print("flask", " ".join(command), flush=True)
        with open(LOG / "prepare.log", "ab") as log:
            subprocess.run([flask, *command], cwd=ROOT, env=env, check=True, stdout=log, stderr=subprocess.STDOUT)


# --- commands -----------------------------------------------------------------------------------------------

def get(path: str = "/", host: str = "localhost", port: int = PORT, timeout: float = 5.0,
        headers: dict | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET http://127.0.0.1:<port><path> with the Host header `host`: (status, headers, body); status 0: no answer."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
    except (OSError, urllib.error.URLError):
        return 0, {}, b""


def wait_until_answering(port: int, timeout: float = 90.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if get("/", port=port, timeout=5)[0] == 200:
            return True
        time.sleep(0.5)
    return False


def up(args) -> int:
    for folder in (STATE, RUN, LOG, NGINX_DIR, STATE / "uploads", STATE / "backups"):
        folder.mkdir(parents=True, exist_ok=True)
    STATE.chmod(0o700)  # the keys are in it
    ensure_database()
    check_redis()
    env = app_environment()
    if not args.skip_prepare:
        prepare(env)
    for host in HOSTS:
        start_host(host, env)
    start_nginx()
    for host in HOSTS:
        if not wait_until_answering(host.port):
            print(f"{host.name} does not answer on port {host.port}: see {LOG}/{host.name}-gunicorn.log",
                  file=sys.stderr)
            return 1
    if not wait_until_answering(PORT):
        print(f"nginx does not answer on port {PORT}: see {LOG}/nginx-error.log", file=sys.stderr)
        return 1
    print(f"\nThe cluster answers: http://localhost:{PORT}/ (the portal), http://rsj.localhost:{PORT}/ (a site)")
    print(f"Hosts: {', '.join(f'{h.name} 127.0.0.1:{h.port}' for h in HOSTS)}; state and logs in {STATE}")
    return 0


def down(_args) -> int:
    stop(RUN / "nginx.pid", wait=10)
    for host in HOSTS:
        stop(host.scheduler_pidfile, wait=30)  # a clean stop gives the lease up
        stop(host.gunicorn_pidfile)
    print("the cluster is stopped (its database, uploads and keys are kept)")
    return 0


def lease_holder() -> tuple[str, bool] | None:
    """(holder, still valid) of the scheduler lease in the cluster's database, or None when there is none."""
    import psycopg

    with psycopg.connect(DATABASE_URL, connect_timeout=5) as conn:
        row = conn.execute("SELECT holder, expires_at > (now() AT TIME ZONE 'Asia/Shanghai') FROM scheduler_leases "
                           "WHERE name = 'scheduler'").fetchone()
    return (row[0], bool(row[1])) if row else None


def scheduler_host(holder: str) -> Host | None:
    """The host whose scheduler process is `holder` (host:pid:random)."""
    pid = int(holder.split(":")[1])
    return next((h for h in HOSTS if read_pid(h.scheduler_pidfile) == pid), None)


def status(_args) -> int:
    running = True
    nginx = read_pid(RUN / "nginx.pid")
    print(f"nginx      port {PORT}: {'pid ' + str(nginx) if nginx else 'stopped'}")
    running &= nginx is not None
    for host in HOSTS:
        master, scheduler = read_pid(host.gunicorn_pidfile), read_pid(host.scheduler_pidfile)
        answer = get("/", port=host.port, timeout=3)[0] if master else 0
        workers = len(children(master)) if master else 0
        print(f"{host.name}      port {host.port}: gunicorn {'pid ' + str(master) if master else 'stopped'}"
              f" ({workers} workers, answers {answer or '-'}),"
              f" scheduler {'pid ' + str(scheduler) if scheduler else 'stopped'}")
        running &= master is not None and scheduler is not None
    try:
        lease = lease_holder()
        leader = scheduler_host(lease[0]) if lease else None
        print(f"lease      {lease[0] if lease else 'none'}{' (valid)' if lease and lease[1] else ' (expired)'}"
              f"{' on ' + leader.name if leader else ''}")
    except Exception as error:  # the database down is a status too
        print(f"lease      unknown ({type(error).__name__})")
    return 0 if running else 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="deploy/local-cluster", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("up", help="start what is not running (database created and loaded on the way)")
    start.add_argument("--skip-prepare", action="store_true", help="no db upgrade / demo load: just the processes")
    commands.add_parser("down", help="stop everything (the data stays)")
    commands.add_parser("status", help="what runs, and which scheduler holds the lease (exit 3: not all running)")
    kill = commands.add_parser("kill-host", help="SIGKILL one host's gunicorn master and workers (a lost machine)")
    kill.add_argument("number", type=int, choices=[h.number for h in HOSTS])
    args = parser.parse_args(argv)
    if args.command == "kill-host":
        print("killed", kill_host(HOSTS[args.number - 1]) or "nothing: not running")
        return 0
    return {"up": up, "down": down, "status": status}[args.command](args)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
