"""Fixtures of the archive's tests (imported by them: tests/backups has no conftest of its own): a small demo city
with every kind of content (three of the catalog's sites), and an empty second deployment."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from core.extensions import db
from tenants.catalog import load_catalog
from tenants.models import Tenant
from tests.backups.archive_helpers import fill_extras

#: The demo sites the tests build: a window department (online services), another department, a county.
SITES = ("rsj", "czj", "anci")


@pytest.fixture
def demo_city(app, monkeypatch, create_account):
    """Three demo sites filled by the demo loader (news, notices, policies, disclosure, services and applications,
    letters forwarded between them, consultations, disclosure applications and reports), plus `fill_extras` on
    rsj; rsj's administrator `archive.admin` signs in with the fixtures' password."""
    from core.demo import loader

    catalog = load_catalog()
    wanted = [s for s in catalog["sites"] if s["slug"] in SITES]
    assert [s["slug"] for s in wanted] == [s for s in (s["slug"] for s in catalog["sites"]) if s in SITES]
    monkeypatch.setattr(loader, "load_catalog", lambda: {**catalog, "sites": wanted})
    with app.app_context():
        loader.load_city(today=date.today(), seed=7, news_per_site=3, echo=lambda *_: None, accounts=[])
        db.session.commit()
        ids = dict(db.session.execute(select(Tenant.slug, Tenant.id)).all())
        db.session.remove()
    rsj = SimpleNamespace(id=ids["rsj"], slug="rsj", host="rsj.localhost")
    admin = create_account("archive.admin", site=rsj, roles=["site_admin", "editor", "service_officer",
                                                                "interaction_officer", "disclosure_officer"])
    extras = fill_extras(app, rsj.id, admin.id)
    return SimpleNamespace(ids=ids, rsj=rsj, admin=admin, extras=extras)


@pytest.fixture
def second_deployment(app, tmp_path):
    """Another, empty deployment made with `flask db upgrade`: its own database (a second SQLite file, or a second
    PostgreSQL database created and dropped here), its own upload folder and its own personal-data keys."""
    import os

    from flask_migrate import upgrade
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from core import create_app

    source = os.environ.get("TEST_DATABASE_URL")
    admin_engine = None
    if source:
        base = make_url(source)
        name = f"{base.database}_target"
        admin_engine = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = base.set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    other = create_app({**{k: app.config[k] for k in ("TESTING", "TENANT_CACHE_TTL", "WTF_CSRF_ENABLED",
                                                       "RATELIMIT_ENABLED", "ARGON2_TIME_COST", "ARGON2_MEMORY_KIB")},
                        "DATABASE_URL": url, "SECRET_KEY": "another-secret",
                        "PERSONAL_DATA_KEYS": ("Wc2m8U0yqvV5tWq3Rk1n0Jt8xYb4Lh6pZs2dQf9gA3E=",),
                        "PERSONAL_DATA_INDEX_KEY": "another-index-key",
                        "UPLOAD_FOLDER": str(tmp_path / "target-uploads"),
                        "DEMO_ACCOUNTS_FILE": str(tmp_path / "target-accounts.csv")})
    with other.app_context():
        upgrade()
        db.session.remove()
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()
    if admin_engine is not None:
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()
