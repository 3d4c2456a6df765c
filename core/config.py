"""Every configuration key the platform reads, with its default and why it exists.

Values come, in increasing priority, from the defaults below, from
`instance/config.py` (a Python file, never committed) and from the environment
(`GOVSITES_<KEY>`, plus the conventional `SECRET_KEY` and `DATABASE_URL`).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

#: key -> (default, one-line description). Defaults that depend on the
#: instance folder are filled in by `load_config`.
SETTINGS: dict[str, tuple[object, str]] = {
    "SECRET_KEY": (None, "Signs sessions and CSRF tokens; generated into instance/secret_key when unset."),
    "DATABASE_URL": (None, "SQLAlchemy URL; default: SQLite file instance/govsites.sqlite3. postgresql:// selects psycopg 3."),
    "BASE_DOMAIN": ("localhost", "The city domain: the portal lives on it, sites on <slug>.<BASE_DOMAIN>."),
    "PLATFORM_HOST_LABEL": ("admin", "The information bureau's console host is <label>.<BASE_DOMAIN>."),
    "PREFERRED_URL_SCHEME": ("http", "Scheme of every absolute link the platform writes (https behind a TLS proxy); "
                                     "never the request's."),
    "PUBLIC_PORT": ("", "Port of those links when the public one is not the scheme's default (the demo's 8000); "
                        "never the Host header's."),
    "ALIAS_REDIRECT": (True, "An alias host answers with a 301 to the site's primary domain (one canonical origin)."),
    "TENANT_CACHE_TTL": (2.0, "Seconds a worker trusts its in-memory host map before re-reading the registry version."),
    "UPLOAD_FOLDER": (None, "Where attachments live; default instance/uploads (a shared volume when scaled out)."),
    "MAX_ATTACHMENT_BYTES": (20 * 1024 * 1024, "Largest attachment a site may store."),
    "SITE_ARCHIVE_MAX_BYTES": (512 * 1024 * 1024, "Largest site archive the console's import page takes; larger ones "
                                                   "are imported with `flask backup import-site`."),
    "SITE_ARCHIVE_MAX_TABLE_BYTES": (512 * 1024 * 1024, "Largest part of a site archive an import reads into memory "
                                                         "(one table's rows, unpacked); a larger one is refused "
                                                         "before it is read."),
    "SITE_ARCHIVE_KDF_COST": (17, "How hard a site archive's passphrase is made to guess: scrypt's cost as a power "
                                  "of two (17: about 0.5 s and 128 MiB per export or import; 10 to 18)."),
    "ALLOWED_ATTACHMENT_EXTENSIONS": (
        ("pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "et", "txt", "csv", "zip", "rar", "jpg", "jpeg", "png", "gif", "ofd"),
        "Attachment types a site may publish.",
    ),
    "PUBLIC_CACHE_SECONDS": (10, "Seconds a shared cache in front (nginx, a CDN) may serve a public page without "
                                 "asking again (Cache-Control s-maxage): the longest a publish or a withdrawal takes "
                                 "to be seen through it; 0: kept, but revalidated (ETag) on every request."),
    "PROXY_FIX_HOPS": (0, "Reverse proxies in front whose X-Forwarded-For and X-Forwarded-Proto are believed "
                          "(werkzeug's ProxyFix): 1 behind one nginx; 0 believes none (the app is reached directly)."),
    "PAGE_CACHE_ENTRIES": (50000, "Rendered public pages each worker keeps at most (0 turns the page cache off): "
                                  "enough for every site of a city of a thousand; PAGE_CACHE_MB bounds their size."),
    "PAGE_CACHE_MB": (256, "Most memory, in MiB, each worker's kept pages take (the least recently read go first); "
                           "0: bounded by PAGE_CACHE_ENTRIES alone."),
    "CONTENT_VERSION_SECONDS": (0.2, "Longest a worker trusts the content version it last read (cached pages and "
                                     "search results): another worker's or host's publish shows within this; the "
                                     "worker's own at once. 0: read it for every page."),
    "PAGE_CACHE_SECONDS": (60.0, "Longest a cached page is served; it is dropped sooner when an item on it is due "
                                 "to go up or come down."),
    "SEARCH_CACHE_ENTRIES": (500, "Search results each worker keeps while nothing they show changed (0: none)."),
    "SEARCH_CACHE_SECONDS": (300.0, "Longest a worker serves kept search results; a change to what they show "
                                    "drops them at once."),
    "SEARCH_COUNT_SECONDS": (10.0, "How often each worker writes the searches it counted (what people look for, per "
                                   "site and day), also at its exit; 0: each search in its own request."),
    "SESSION_IDLE_MINUTES": (30, "A login ends after this many idle minutes."),
    "SESSION_COOKIE_SECURE": (False, "Send the session cookie over HTTPS only: turn on behind HTTPS."),
    "ARGON2_TIME_COST": (3, "Argon2id passes per password hash (argon2-cffi's default)."),
    "ARGON2_MEMORY_KIB": (65536, "Argon2id memory per hash, in KiB (argon2-cffi's default)."),
    "ARGON2_PARALLELISM": (4, "Argon2id lanes (threads) per password hash (argon2-cffi's default)."),
    "LOCKOUT_THRESHOLD": (5, "Failed logins in a row that lock an account."),
    "LOCKOUT_MINUTES": (15, "How long such a lock lasts."),
    "LOGIN_RATE_LIMIT": ("20 per minute", "Login attempts one address may make on one host (Flask-Limiter)."),
    "SERVICES_APPLY_RATE_LIMIT": ("10 per minute;60 per hour", "Online applications (and corrections, ratings) one "
                                  "address may send to one site (Flask-Limiter)."),
    "SEARCH_RATE_LIMIT": ("60 per minute;600 per hour", "Searches one address may make on one site (or the portal): a "
                          "person reads far fewer; a crawler or a script is slowed down (Flask-Limiter)."),
    "API_RATE_LIMIT": ("120 per minute;3000 per hour", "Requests one address may make to the open-data API, "
                       "counted over every site's host and the portal together: enough for a program that "
                       "revalidates with ETags; a bulk crawl is slowed down, also one spread over the sites "
                       "(Flask-Limiter)."),
    "SERVICES_TRACK_RATE_LIMIT": ("10 per 10 minutes", "Tracking queries that find nothing one address may make on "
                                  "one site, and on one tracking code."),
    "SERVICES_TRACK_CODE_RATE_LIMIT": ("60 per day", "Tracking queries that find nothing one tracking code may have "
                                       "from all addresses together (against guessing spread over many addresses; "
                                       "loose, so a stranger cannot easily lock the applicant out)."),
    "DISCLOSURE_APPLY_RATE_LIMIT": ("5 per minute;30 per hour", "Applications for disclosure (and clarifications) "
                                    "one address may send to one site (Flask-Limiter)."),
    "DISCLOSURE_CLARIFY_DAYS": (15, "Working days an applicant for disclosure has to clarify an application, from the "
                                "day the office asks (Art. 30: unanswered by then, the application counts as "
                                "withdrawn and is closed by the daily job)."),
    "DISCLOSURE_TRACK_RATE_LIMIT": ("10 per 10 minutes", "Queries of applications for disclosure that find nothing "
                                    "one address may make on one site, and on one tracking code."),
    "DISCLOSURE_TRACK_CODE_RATE_LIMIT": ("60 per day", "Queries of applications for disclosure that find nothing "
                                         "one tracking code may have from all addresses together (against guessing "
                                         "spread over many addresses; loose, so a stranger cannot easily lock the "
                                         "applicant out)."),
    "CONSULTATION_COMMENT_RATE_LIMIT": ("5 per minute;30 per hour", "Opinions on public consultations one address "
                                        "may send to one site (Flask-Limiter)."),
    "LETTERS_WRITE_RATE_LIMIT": ("5 per minute;30 per hour", "Letters (and additions, ratings) one address may send "
                                 "to one site's mailboxes (Flask-Limiter)."),
    "LETTERS_QUERY_RATE_LIMIT": ("10 per 10 minutes", "Letter queries that find nothing one address may make on one "
                                 "site, and on one query code."),
    "LETTERS_QUERY_CODE_RATE_LIMIT": ("60 per day", "Letter queries that find nothing one query code may have from "
                                      "all addresses together (against guessing spread over many addresses; loose, "
                                      "so a stranger cannot easily lock the writer out)."),
    "RATELIMIT_STORAGE_URI": ("memory://", "Where rate-limit counters live. memory:// counts in each worker alone; "
                                           "redis://… shares the count between workers and hosts."),
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": (True, "While the rate-limit storage (Redis) does not answer, each worker "
                                                   "counts in its own memory (the limits hold, per worker) and logs "
                                                   "a warning; the storage is tried again after a while "
                                                   "(Flask-Limiter)."),
    "RATELIMIT_SWALLOW_ERRORS": (True, "A rate-limit storage error the in-memory fallback does not cover lets the "
                                       "request through with the error in the log (fail open), not a 500."),
    "VISITS_STORE": ("", "Where page views are counted before the `visits.flush` job writes them: memory (each "
                         "worker, written by the worker), redis (shared), off; empty: redis when VISITS_REDIS_URL "
                         "or RATELIMIT_STORAGE_URI is a redis:// URL, else memory."),
    "VISITS_REDIS_URL": ("", "The Redis of the visit counts; empty: RATELIMIT_STORAGE_URI's when that is redis://."),
    "VISITS_REDIS_PREFIX": ("govsites:visits:", "Prefix of the visit counts' Redis keys (one per deployment)."),
    "VISITS_FLUSH_SECONDS": (60.0, "Memory store: how often each worker writes its visit counts to the database "
                                   "(also at the worker's exit); 0: only at exit and when the job runs in it."),
    "VISITS_COUNTED_BY": ("page", "How page views are counted: page (each public page's own answer) or beacon (a 1×1 "
                                  "image every public page carries, never cached: behind nginx or a CDN, whose "
                                  "copies the app never sees)."),
    "VISITS_PUSH_SECONDS": (2.0, "Redis store: how often each worker sends its visit counts to Redis in one round "
                                 "trip; 0: one round trip per page view."),
    "DEMO_ACCOUNTS_FILE": ("demo-accounts.csv", "The demo accounts `flask demo load` writes (relative to instance/, or absolute)."),
    "PAGE_SIZE": (20, "Items per page on section lists."),
    "HOMEPAGE_BLOCK_SIZE": (7, "Items per homepage block."),
    "FEED_ENTRIES": (20, "Newest items in each Atom feed (a section's, a site's news)."),
    "SITEMAP_MAX_URLS": (50000, "Most addresses in one sitemap file (the sitemaps.org limit): a larger site's "
                                "/sitemap.xml becomes an index of numbered parts."),
    "BABEL_DEFAULT_LOCALE": ("zh_CN", "Chinese first; English is complete too."),
    "LANGUAGES": (("zh_CN", "en"), "Locales a visitor can switch between."),
    "DEMO_SEED": (20261127, "Seed of the demo city's generated content, so every load looks the same."),
    "SQLALCHEMY_ECHO": (False, "Log every SQL statement (debugging only)."),
    "JOB_SCHEDULES": ("", "Job schedules that replace the code's: 'job.id=every 30s; other.id=cron 0 2 * * *' (city time)."),
    "JOBS_DISABLED": ((), "Job ids the scheduler does not run (`flask jobs run-once` still can)."),
    "SCHEDULER_LEASE_SECONDS": (30.0, "How long a scheduler's lease lasts unrenewed: a standby takes over after it runs out."),
    "PERSONAL_DATA_KEYS": ((), "Fernet keys for personal information at rest, newest first (comma-separated in the "
                              "environment); default: generated into instance/personal_data_keys."),
    "PERSONAL_DATA_INDEX_KEY": ("", "HMAC key of the lookup hashes of personal information; default: generated into "
                                    "instance/personal_data_index_key. Changing it makes stored lookups unfindable."),
    "MAIL_SERVER": ("", "SMTP server for e-mail copies of inbox messages (training, reminders, alerts); empty: no "
                        "e-mail, the admin inbox only."),
    "MAIL_PORT": (25, "The SMTP server's port."),
    "MAIL_USE_TLS": (False, "Upgrade the SMTP connection with STARTTLS."),
    "MAIL_USE_SSL": (False, "Connect to the SMTP server over TLS from the start (port 465)."),
    "MAIL_USERNAME": ("", "SMTP user name, when the server asks for one."),
    "MAIL_PASSWORD": ("", "SMTP password, when the server asks for one."),
    "MAIL_DEFAULT_SENDER": ("govsites@localhost", "The From address of the platform's e-mails."),
    "MAIL_SUPPRESS_SEND": (False, "Build e-mails but send none (Flask-Mail's switch; off, also under tests, which "
                                  "send to a local SMTP server)."),
    "SCHEDULER_RENEW_SECONDS": (10.0, "How often a scheduler renews its lease, or a standby tries to take it."),
    "PASSWORD_MAX_AGE_DAYS": (180, "Days a password may be kept before the security checks report it as too old "
                                   "(0: never)."),
    "SECURITY_INACTIVE_DAYS": (90, "Days without a sign-in after which the security checks report an account."),
    "SECURITY_NEVER_SIGNED_IN_DAYS": (30, "Days after its creation that an account never signed in is reported."),
    "SECURITY_FAILED_LOGINS_PER_ADDRESS": (10, "Failed sign-ins from one address within the window that the security "
                                               "checks report (the address is shown to platform administrators "
                                               "only)."),
    "SECURITY_FAILED_LOGINS_PER_ACCOUNT": (5, "Failed sign-ins with one user name within the window that the "
                                              "security checks report."),
    "SECURITY_FAILED_LOGIN_WINDOW_MINUTES": (60, "The window, in minutes, those failed sign-ins are counted in (over "
                                                 "the last day's audit log)."),
    "SECURITY_CODE_ROOT": ("", "The folder whose code, templates and static files the tamper check hashes; default: "
                               "the deployed tree itself."),
    "SECURITY_INTEGRITY_MANIFEST": ("", "The tamper check's manifest of SHA-256 hashes; default: "
                                        "instance/integrity-manifest.json (`flask security baseline` writes it)."),
    "TRAINING_REMIND_DAYS": (3, "Working days before a training material's due date from which the one reminder goes "
                                "to those who have not confirmed reading it."),
    "BACKUP_FOLDER": (None, "Where the nightly full backups are written; default instance/backups. They hold personal "
                            "data: keep the folder readable by the platform's account only."),
    "BACKUP_COPY_FOLDER": ("", "A second location each new backup is copied to and checked (a directory, e.g. a mounted "
                               "remote volume); empty: no copy."),
    "BACKUP_KEEP_DAILY": (7, "Full backups kept: the newest of each of this many last days."),
    "BACKUP_KEEP_WEEKLY": (4, "... and the newest of each of this many last ISO weeks."),
    "BACKUP_KEEP_MONTHLY": (12, "... and of each of this many last months (the newest good and the newest verified one "
                                 "are always kept)."),
    "BACKUP_PG_BIN_DIR": ("", "Folder of the PostgreSQL client programs (pg_dump, pg_restore, psql) of the server's major "
                              "version, e.g. /usr/lib/postgresql/16/bin; empty: found on PATH."),
}


def _coerce(raw: str, default: object) -> object:
    """Read an environment string as the type of the key's default."""
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, tuple):
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    return raw


def normalise_database_url(url: str) -> str:
    """Make a bare postgres URL use psycopg 3, the driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_config(app, overrides: dict | None = None) -> None:
    """Fill `app.config` from defaults, instance/config.py, environment, overrides."""
    for key, (default, _doc) in SETTINGS.items():
        app.config.setdefault(key, default)
    app.config.from_pyfile("config.py", silent=True)
    for key, (default, _doc) in SETTINGS.items():
        for env_name in (f"GOVSITES_{key}", key if key in {"SECRET_KEY", "DATABASE_URL"} else None):
            if env_name and env_name in os.environ:
                app.config[key] = _coerce(os.environ[env_name], default)
    if overrides:
        app.config.update(overrides)

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'govsites.sqlite3'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["DATABASE_URL"])
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A pooled connection is tested before use: after the database server restarted (or dropped an idle
        # connection), the pool replaces it instead of handing the request a dead one. SQLite has no server.
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {}).setdefault("pool_pre_ping", True)
    if not app.config["UPLOAD_FOLDER"]:
        app.config["UPLOAD_FOLDER"] = str(instance / "uploads")
    if not app.config["BACKUP_FOLDER"]:
        app.config["BACKUP_FOLDER"] = str(instance / "backups")
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(instance)
    app.config["BASE_DOMAIN"] = str(app.config["BASE_DOMAIN"]).strip(".").lower()
    app.config["PREFERRED_URL_SCHEME"] = str(app.config["PREFERRED_URL_SCHEME"]).strip().lower()
    if app.config["PREFERRED_URL_SCHEME"] not in ("http", "https"):
        raise ValueError("PREFERRED_URL_SCHEME must be http or https")
    app.config["PUBLIC_PORT"] = str(app.config["PUBLIC_PORT"] or "").strip()
    if app.config["PUBLIC_PORT"] and not (app.config["PUBLIC_PORT"].isascii() and app.config["PUBLIC_PORT"].isdigit()
                                          and 0 < int(app.config["PUBLIC_PORT"]) < 65536):
        raise ValueError("PUBLIC_PORT must be a port number (1-65535) or empty")
    # Room for one file a little over the limit, so the form can say so with the
    # user's input kept; anything far larger is cut off at once (413).
    app.config["MAX_CONTENT_LENGTH"] = 2 * int(app.config["MAX_ATTACHMENT_BYTES"]) + 1024 * 1024


def _instance_secret(instance: Path) -> str:
    """Keep one generated key per instance so sessions survive restarts and workers agree."""
    path = instance / "secret_key"
    if not path.exists():
        # Write aside, then link into place: atomic, so two workers starting
        # together agree on one key and nobody reads a half-written file.
        tmp = instance / f".secret_key.{os.getpid()}"
        tmp.write_text(secrets.token_hex(32))
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()
