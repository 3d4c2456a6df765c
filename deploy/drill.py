"""A backup drill under write load: back up while sites are written, restore into a new database, compare per site.

`deploy/drill [--citizens N] [--editors N] [--warmup S] [--after S] [--load-command CMD] [--keep-restored]`:

1. a write load starts: citizens send letters to the sites' mailboxes over HTTP through the cluster's nginx
   (form, CSRF token, POST, as a browser does; one in three with a PDF attached), and editors publish news
   items through the app's own operations (as deploy/check_cluster.py does). `--load-command` runs another
   load instead (e.g. `deploy/load --duration 900`): any command that writes until it is sent SIGINT.
2. the platform's backup job (`backups.nightly`, what `flask backup create` runs) makes a backup while the
   writes go on. Its PostgreSQL backup reads one exported snapshot (core.backups.engines); the drill imports
   that same snapshot on a connection of its own (engines.SNAPSHOT_OBSERVERS) while the backup holds it, and
   after the load reads every site's rows there: the source AS OF THE BACKUP'S MOMENT, read independently of
   the backup's own manifest.
3. the backup is restored into a NEW database (`<database>_drill_<random>`) and an upload folder of its own
   by the platform's restore (`flask backup restore NAME --yes`, in a process of its own).
4. per site (core.backups.checksums.site_checksums: its rows in every table with a tenant_id, and its
   uploaded files): the restored database and files against the source's snapshot and the manifest; and the
   source now, after the load went on, against the snapshot (the drill is not vacuous: the source moved on).
5. a table of the figures and PASS or FAIL (exit 1); the restored database and folder are dropped.

The database is the cluster's (CLUSTER_DATABASE_URL, see deploy/cluster.py) unless --database-url names
another; the citizens need the cluster's nginx (CLUSTER_PORT). The backup goes where the platform keeps its
backups (GOVSITES_BACKUP_FOLDER of the cluster: instance/cluster/backups) and stays there, a backup like any
other (retention removes it in time).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import cluster  # noqa: E402  (deploy/cluster.py, beside this file)

#: One address may send a site 5 letters a minute (LETTERS_WRITE_RATE_LIMIT): a citizen thread leaves a site
#: alone this long after writing to it, so the load is not turned away by the rate limit.
SITE_PAUSE_SECONDS = 13.0
#: Rows an external load must have written during the backup (pg_stat) for the drill to count: the backup's own
#: records are a few.
EXTERNAL_LOAD_MIN_ROWS = 50
#: A tiny PDF, attached to one letter in three: the backup's uploads carry the public's files too.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
#: A hidden field of the letter form, with its value (either attribute first).
FIELD = re.compile(r'name="(csrf_token|submission)"[^>]*value="([^"]*)"'
                   r'|value="([^"]*)"[^>]*name="(csrf_token|submission)"')


# --- the write load -----------------------------------------------------------------------------------------

class WriteLoad:
    """Threads writing to the sites until `stop()`; every successful write's time kept (time.monotonic()).

    `writes_between(a, b)` is what the drill reads: a load that keeps its writes' times this way (or none:
    ExternalLoad) can take this one's place.
    """

    def __init__(self, app, sites: list[tuple[int, str, str]], *, citizens: int, editors: int, editor_sites: int,
                 base_url: str):
        self.app, self.sites, self.base_url = app, sites, base_url
        self.citizens, self.editors, self.editor_sites = citizens, editors, editor_sites
        self.done: list[tuple[float, str, str]] = []  # (when, kind, slug)
        self.outcomes: Counter = Counter()
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._next_free = {slug: 0.0 for _id, slug, _host in sites}
        self._no_mailbox: set[str] = set()
        self._turn = 0
        #: The sites the editors publish on: the first `editor_sites` with a publisher's account.
        self.editor_pool: list[tuple[int, str, str]] = []

    def start(self) -> None:
        from sqlalchemy import select

        from core.auth.models import User
        from core.extensions import db

        with self.app.app_context():
            publishers = set(db.session.execute(select(User.username).where(User.username.like("%.publisher")))
                             .scalars())
            db.session.remove()
        self.editor_pool = [s for s in self.sites if f"{s[1]}.publisher" in publishers][: self.editor_sites]
        for n in range(self.citizens):
            self._threads.append(threading.Thread(target=self._citizen, args=(n,), daemon=True))
        for n in range(self.editors):
            self._threads.append(threading.Thread(target=self._editor, args=(n,), daemon=True))
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def writes_between(self, start: float, end: float) -> Counter:
        """Successful writes from `start` to `end` (time.monotonic()), by kind ("letter", "publication")."""
        with self._lock:
            return Counter(kind for when, kind, _slug in self.done if start <= when <= end)

    def sites_between(self, start: float, end: float) -> int:
        """How many sites were written to from `start` to `end`."""
        with self._lock:
            return len({slug for when, _kind, slug in self.done if start <= when <= end})

    def rate(self) -> float:
        """Successful writes per second over the whole load (first to last write)."""
        with self._lock:
            times = [when for when, _kind, _slug in self.done]
        return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 and times[-1] > times[0] else 0.0

    def _note(self, kind: str, slug: str, outcome: str, error: str = "") -> None:
        with self._lock:
            self.outcomes[f"{kind} {outcome}"] += 1
            if outcome == "written":
                self.done.append((time.monotonic(), kind, slug))
            elif error and len(self.errors) < 20:
                self.errors.append(f"{kind} on {slug}: {error}")

    # citizens: letters over HTTP, through nginx

    def _next_site(self) -> tuple[str, str] | None:
        """The next site that has not had a letter for SITE_PAUSE_SECONDS (and has a mailbox), taken; or None."""
        with self._lock:
            for _ in range(len(self.sites)):
                _id, slug, host = self.sites[self._turn % len(self.sites)]
                self._turn += 1
                if slug in self._no_mailbox or self._next_free[slug] > time.monotonic():
                    continue
                self._next_free[slug] = time.monotonic() + SITE_PAUSE_SECONDS
                return slug, host
        return None

    def _citizen(self, number: int) -> None:
        import requests

        sent = 0
        while not self._stop.is_set():
            taken = self._next_site()
            if taken is None:
                self._stop.wait(0.2)
                continue
            slug, host = taken
            session = requests.Session()
            address = f"{self.base_url}/interaction/write/consultation"
            try:
                page = session.get(address, headers={"Host": host}, timeout=20)
                fields = {m[0] or m[3]: m[1] or m[2] for m in FIELD.findall(page.text)}
                if page.status_code in (200, 404) and "csrf_token" not in fields:
                    with self._lock:
                        self._no_mailbox.add(slug)  # no open consultation mailbox on this site
                    self._note("letter", slug, f"no form ({page.status_code})")
                    continue
                if page.status_code != 200:
                    self._note("letter", slug, f"form refused ({page.status_code})")
                    continue
                sent += 1
                data = {"csrf_token": fields["csrf_token"], "submission": fields.get("submission", ""),
                        "subject": f"演练来信 {number}-{sent}", "body": f"备份演练期间的来信，第 {sent} 封。",
                        "writer_name": "演练市民", "phone": f"138{secrets.randbelow(10**8):08d}", "email": "",
                        "may_publish": "no", "declaration": "y"}
                files = {"attachment": ("drill.pdf", PDF, "application/pdf")} if sent % 3 == 0 else None
                answer = session.post(address, data=data, files=files, headers={"Host": host,
                                      "Referer": f"http://{host}/interaction/write/consultation"},
                                      timeout=30, allow_redirects=False)
            except requests.RequestException as error:
                self._note("letter", slug, "no answer", type(error).__name__)
                continue
            finally:
                session.close()
            if answer.status_code == 302 and "/interaction/receipt" in answer.headers.get("Location", ""):
                self._note("letter", slug, "written")
            elif answer.status_code == 429:
                self._note("letter", slug, "rate-limited")
            else:
                self._note("letter", slug, f"refused ({answer.status_code})", answer.text[:200].replace("\n", " "))

    # editors: news items published through the app's operations

    def _editor(self, number: int) -> None:
        from sqlalchemy import select

        from core.auth.models import User
        from core.content.operations import create_article
        from core.extensions import db
        from core.publishing.operations import apply_transition
        from core.sections.queries import site_sections
        from tenants.scoping import activate_tenant

        mine = self.editor_pool[number::max(1, self.editors)]
        if not mine:
            return
        n = 0
        while not self._stop.is_set():
            tenant_id, slug, _host = mine[n % len(mine)]
            n += 1
            try:
                with self.app.app_context():
                    with activate_tenant(tenant_id):
                        section = next(s for s in site_sections() if s.slug == "news")
                        publisher = db.session.execute(
                            select(User).where(User.username == f"{slug}.publisher")).scalar_one()
                        article = create_article(section=section, title=f"备份演练稿件 {number}-{n}",
                                                 status="approved", body_html=f"<p>演练第 {n} 篇。</p>")
                        apply_transition(article, "publish", actor=publisher, comment="backup drill")
                        db.session.commit()
                    db.session.remove()
                self._note("publication", slug, "written")
            except Exception as error:  # noqa: BLE001 (a refused write is counted and shown, the load goes on)
                self._note("publication", slug, "failed", f"{type(error).__name__}: {error}"[:200])
                self._stop.wait(0.5)
            self._stop.wait(0.05)


class ExternalLoad:
    """Another program as the load (`--load-command`): started, and sent SIGINT to stop; it keeps no times."""

    def __init__(self, command: str, env: dict[str, str]):
        self.command, self.env, self.process = command, env, None
        self.outcomes: Counter = Counter()
        self.errors: list[str] = []

    def start(self) -> None:
        self.process = subprocess.Popen(shlex.split(self.command), env=self.env, cwd=cluster.ROOT)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=180)  # deploy/load runs its checks before it exits
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.outcomes[f"exit status {self.process.returncode}"] += 1

    def writes_between(self, start: float, end: float) -> Counter:
        return Counter()

    def sites_between(self, start: float, end: float) -> int:
        return 0

    def rate(self) -> float:
        return 0.0


# --- the database -------------------------------------------------------------------------------------------

def rows_written(engine) -> int:
    """Rows inserted, updated and deleted in the database so far (pg_stat_user_tables; the server's counters
    trail the commits by up to about a second)."""
    from sqlalchemy import text

    with engine.connect() as connection:
        return int(connection.execute(text("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
                                           "FROM pg_stat_user_tables")).scalar())


def active_sites(engine) -> list[tuple[int, str, str]]:
    """(tenant id, slug, primary host name) of every active site."""
    from sqlalchemy import text

    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(
            "SELECT t.id, t.slug, d.hostname FROM tenants t JOIN tenant_domains d ON d.tenant_id = t.id "
            "WHERE d.is_primary AND t.status = 'active' ORDER BY t.id"))]


def drop_database(admin, name: str) -> None:
    from sqlalchemy import text

    with admin.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))


# --- the drill ----------------------------------------------------------------------------------------------

def compare(restored: dict, snapshot: dict, manifest: dict) -> tuple[list[str], list[str]]:
    """(sites equal everywhere, sites that differ, each with why) over every site any of the three names."""
    equal, differ = [], []
    for site in sorted(set(restored) | set(snapshot) | set(manifest), key=lambda s: (len(s), s)):
        r, s, m = restored.get(site), snapshot.get(site), manifest.get(site)
        slug = (r or s or m)["slug"]
        why = []
        if r is None or s is None or m is None:
            why.append("missing from " + ", ".join(n for n, v in (("restored", r), ("snapshot", s), ("manifest", m))
                                                   if v is None))
        else:
            if r["rows_sha256"] != s["rows_sha256"]:
                why.append(f"rows: restored {r['rows']} vs source at the backup {s['rows']}")
            if s["rows_sha256"] != m["rows_sha256"]:
                why.append("rows: source's snapshot vs the backup's manifest")
            if r["files_sha256"] != m["files_sha256"]:
                why.append(f"files: restored {r['files']} vs backup {m['files']}")
        (differ if why else equal).append(f"{slug}: {'; '.join(why)}" if why else slug)
    return equal, differ


def run(args) -> int:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    source_url = args.database_url
    url = make_url(source_url)
    if url.get_backend_name() != "postgresql":
        print(f"the drill needs PostgreSQL (one snapshot for the dump and the checksums); got {url.drivername}",
              file=sys.stderr)
        return 2
    env = cluster.app_environment()
    env["DATABASE_URL"] = source_url
    os.environ.update(env)
    from core import create_app
    from core.backups import engines
    from core.backups.checksums import fold_sites, import_snapshot, site_checksums
    from core.backups.layout import MANIFEST
    from core.backups.runner import TRIGGER
    from core.extensions import db
    from jobs.runs import run_job

    app = create_app()
    source = create_engine(url, poolclass=NullPool)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    sites = active_sites(source)
    if not sites:
        print("no active sites in the database: nothing to drill", file=sys.stderr)
        return 2
    base_url = args.base_url or f"http://127.0.0.1:{cluster.PORT}"
    if args.load_command:
        load = ExternalLoad(args.load_command, env)
    else:
        if args.citizens and cluster.get("/", sites[0][2])[0] != 200:
            print(f"nginx does not answer at {base_url} for {sites[0][2]}: deploy/local-cluster up (or --citizens 0)",
                  file=sys.stderr)
            return 2
        load = WriteLoad(app, sites, citizens=args.citizens, editors=args.editors, editor_sites=args.editor_sites,
                         base_url=base_url)
    restored_name = f"{url.database}_drill_{secrets.token_hex(4)}"[-63:]
    work = Path(tempfile.mkdtemp(prefix="govsites-drill-"))
    held: dict = {}
    created = loading = False
    figures: dict = {"database": url.database, "sites": len(sites)}
    problems: list[str] = []

    def observer(snapshot: str) -> None:
        """Called by the backup while it holds its snapshot: import it here, to read later at leisure."""
        connection = source.connect()
        import_snapshot(connection, snapshot)
        held["connection"], held["snapshot"] = connection, snapshot

    try:
        what = f"`{args.load_command}`" if args.load_command else \
            f"{args.citizens} citizens sending letters through nginx, {args.editors} editors publishing"
        print(f"write load: {what}; {args.warmup:.0f} s of it before the backup", flush=True)
        load.start()
        loading = True
        time.sleep(args.warmup)
        # -- 2. the backup, as the platform makes it, while the load goes on
        engines.SNAPSHOT_OBSERVERS.append(observer)
        counter_before = rows_written(source)
        began = time.monotonic()
        try:
            with app.app_context():
                token = TRIGGER.set("hand")
                try:
                    backup_run = run_job("backups.nightly")
                finally:
                    TRIGGER.reset(token)
                outcome, summary, error = backup_run.outcome, backup_run.summary, backup_run.error
                db.session.remove()
        finally:
            engines.SNAPSHOT_OBSERVERS.remove(observer)
        ended = time.monotonic()
        counter_after = rows_written(source)
        figures["backup_seconds"] = ended - began
        during = load.writes_between(began, ended)
        figures["writes_during_backup"] = dict(during)
        figures["sites_written_during_backup"] = load.sites_between(began, ended)
        figures["rows_written_during_backup"] = counter_after - counter_before
        if outcome != "success":
            print(f"the backup job failed: {error.strip().splitlines()[-1] if error else outcome}", file=sys.stderr)
            return 1
        name = json.loads(summary)["counts"]["name"]
        folder = Path(env["GOVSITES_BACKUP_FOLDER"]) / name
        print(f"backup {name} made in {figures['backup_seconds']:.1f} s; {sum(during.values())} writes meanwhile; "
              f"load goes on {args.after:.0f} s", flush=True)
        time.sleep(args.after)
        load.stop()
        loading = False
        # -- 4a. the source as of the backup's moment (its snapshot), and the source now
        if "connection" not in held:
            print("the backup exported no snapshot to the drill (not a PostgreSQL backup?)", file=sys.stderr)
            return 1
        print("checksumming every site: the source in the backup's snapshot, the source now", flush=True)
        manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
        in_manifest = fold_sites(manifest, manifest["files"])
        with app.app_context():
            connection = held.pop("connection")
            try:
                # the snapshot's rows with the backup's files: uploads are copied after the snapshot, not in it
                at_backup = site_checksums(connection, files=manifest["files"])
            finally:
                connection.rollback()
                connection.close()
            with source.connect() as connection:
                now = site_checksums(connection, upload_folder=Path(env["GOVSITES_UPLOAD_FOLDER"]))
        # -- 3. the restore into a new database, by the platform's restore
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{restored_name}" TEMPLATE template0')
        created = True
        restored_url = url.set(database=restored_name)
        uploads = work / "uploads"
        restore_env = {**env, "DATABASE_URL": restored_url.render_as_string(hide_password=False),
                       "GOVSITES_UPLOAD_FOLDER": str(uploads)}
        print(f"restoring {name} into the new database {restored_name}", flush=True)
        began = time.monotonic()
        restore = subprocess.run([str(cluster.BIN / "flask"), "backup", "restore", name, "--yes"], env=restore_env,
                                 cwd=cluster.ROOT, capture_output=True, text=True)
        figures["restore_seconds"] = time.monotonic() - began
        if restore.returncode != 0:
            said = (restore.stderr.strip() or restore.stdout.strip()).splitlines()
            print(f"the restore failed (exit {restore.returncode}): {said[-1] if said else ''}", file=sys.stderr)
            return 1
        restored_engine = create_engine(restored_url, poolclass=NullPool)
        try:
            with app.app_context(), restored_engine.connect() as connection:
                restored = site_checksums(connection, upload_folder=uploads)
        finally:
            restored_engine.dispose()
        # -- 4b. compare
        equal, differ = compare(restored, at_backup, in_manifest)
        moved = [s for s in set(now) | set(at_backup) if (now.get(s) or {}).get("sha256") !=
                 (at_backup.get(s) or {}).get("sha256")]
        figures.update({
            "backup": name, "sites_compared": len(equal) + len(differ), "sites_equal": len(equal),
            "differences": differ, "rows_in_backup": sum(t["rows"] for t in manifest["tables"].values()),
            "site_rows_in_backup": sum(s["rows"] for s in at_backup.values()),
            "upload_files_in_backup": manifest["sizes"]["upload_files"],
            "sites_moved_on": len(moved), "site_rows_now": sum(s["rows"] for s in now.values()),
            "load": dict(load.outcomes), "load_errors": load.errors, "load_rate": load.rate(),
        })
        if differ:
            problems.append(f"{len(differ)} sites differ from the source at the backup's moment")
        # the backup writes a handful of rows itself (its record, its run): an external load must show more
        if (sum(during.values()) == 0 if isinstance(load, WriteLoad)
                else figures["rows_written_during_backup"] < EXTERNAL_LOAD_MIN_ROWS):
            problems.append("nothing was written during the backup: the drill proves nothing")
        if not moved:
            problems.append("the source did not move on after the backup: the drill proves nothing")
        return report(figures, problems)
    finally:
        if loading:
            load.stop()
        if "connection" in held:
            held["connection"].close()
        if created and not args.keep_restored:
            drop_database(admin, restored_name)
        elif created:
            print(f"the restored database is kept: {restored_name}")
        import shutil

        shutil.rmtree(work, ignore_errors=True)
        source.dispose()
        admin.dispose()


def report(figures: dict, problems: list[str]) -> int:
    """Print the drill's table and verdict; 0 on PASS, 1 on FAIL."""
    during = figures["writes_during_backup"]
    writes = sum(during.values())
    rate = writes / figures["backup_seconds"] if figures["backup_seconds"] else 0.0
    rows = [
        ("database", figures["database"]),
        ("backup", figures["backup"]),
        ("sites", str(figures["sites"])),
        ("rows in the backup", f"{figures['rows_in_backup']:,} ({figures['site_rows_in_backup']:,} in the sites' "
                               f"rows, {figures['upload_files_in_backup']} uploaded files)"),
        ("writes during the backup", f"{writes} ({', '.join(f'{n} {k}s' for k, n in sorted(during.items())) or '-'};"
                                     f" {rate:.1f}/s, on {figures['sites_written_during_backup']} sites); rows written"
                                     f" {figures['rows_written_during_backup']:,} (pg_stat, approx.)"),
        ("load rate", f"{figures['load_rate']:.1f} writes/s over the whole load"),
        ("backup seconds", f"{figures['backup_seconds']:.1f}"),
        ("restore seconds", f"{figures['restore_seconds']:.1f} (into a new database: `flask backup restore`, "
                            f"its process start included)"),
        ("equal sites / all sites", f"{figures['sites_equal']} / {figures['sites_compared']} (restored = source in "
                                    f"the backup's snapshot = manifest; rows and uploads)"),
        ("source moved on since", f"{figures['sites_moved_on']} sites differ now; site rows "
                                  f"{figures['site_rows_in_backup']:,} -> {figures['site_rows_now']:,}"),
        ("load outcomes", ", ".join(f"{k}: {n}" for k, n in sorted(figures["load"].items())) or "-"),
    ]
    width = max(len(k) for k, _ in rows)
    print()
    for key, value in rows:
        print(f"  {key.ljust(width)}  {value}")
    for line in figures["differences"][:20]:
        print(f"  differs: {line}")
    for line in figures["load_errors"][:5]:
        print(f"  load error: {line}")
    print()
    for problem in problems:
        print(f"FAIL: {problem}")
    print("PASS" if not problems else "FAIL")
    return 0 if not problems else 1


def main() -> int:
    parser = argparse.ArgumentParser(prog="deploy/drill", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=cluster.DATABASE_URL,
                        help="the PostgreSQL database to back up (default: the cluster's, CLUSTER_DATABASE_URL)")
    parser.add_argument("--base-url", help=f"nginx in front of the hosts (default http://127.0.0.1:{cluster.PORT})")
    parser.add_argument("--citizens", type=int, default=4, help="threads sending letters over HTTP (default 4)")
    parser.add_argument("--editors", type=int, default=2, help="threads publishing news items (default 2)")
    parser.add_argument("--editor-sites", type=int, default=6, help="sites the editors publish on (default 6)")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of load before the backup (default 5)")
    parser.add_argument("--after", type=float, default=5.0, help="seconds of load after the backup (default 5)")
    parser.add_argument("--load-command", help="run this as the write load instead (stopped with SIGINT)")
    parser.add_argument("--keep-restored", action="store_true", help="keep the restored database (to look at)")
    args = parser.parse_args()
    try:
        return run(args)
    except Exception as error:  # noqa: BLE001 (the database restarted under the drill, a host gone: FAIL, why)
        import traceback

        traceback.print_exc()
        print(f"\nFAIL: the drill stopped: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
