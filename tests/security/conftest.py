"""Running the security checks in tests: one site's or the platform's, at a fixed moment, and reading what they keep."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select, update

from core.auth.models import User
from core.extensions import db
from core.security.models import PlatformSecurityFinding, SecurityFinding
from core.security.operations import run_checks
from core.security.registry import read_details
from core.timeutil import now
from tenants.models import Tenant
from tenants.scoping import activate_tenant


@dataclass
class Row:
    """A finding as a test reads it."""

    id: int
    rule: str
    key: str
    name: str
    severity: str
    state: str
    details: dict
    link: str
    personal: bool
    accepted_reason: str


def _rows(model) -> list[Row]:
    return [Row(f.id, f.rule, f.object_key, f.object_name, f.severity, f.state, read_details(f.details), f.link,
                f.personal, f.accept_reason)
            for f in db.session.execute(select(model).order_by(model.id)).scalars()]


@pytest.fixture(autouse=True)
def _empty_upload_folders(app):
    """The file checks read every file of a site's folder, and of the platform's training folder: each test starts
    with none (ids are reused)."""
    for folder in [*Path(app.config["UPLOAD_FOLDER"]).glob("site-*"), Path(app.config["UPLOAD_FOLDER"]) / "training"]:
        shutil.rmtree(folder, ignore_errors=True)
    yield


@pytest.fixture
def moment():
    """The run's moment: now, to the minute (accounts and entries the tests make are dated from the real clock)."""
    return now().replace(second=0, microsecond=0) + timedelta(minutes=1)


@pytest.fixture
def check_site(app, moment):
    """check_site(site, *keys, at=None) -> the site's findings (every state) after running those site checks."""

    def run(site, *keys: str, at: datetime | None = None) -> list[Row]:
        with app.app_context():
            with activate_tenant(site.id):
                run_checks(at or moment, site=db.session.get(Tenant, site.id), keys=keys or None)
                db.session.commit()
                rows = _rows(SecurityFinding)
            db.session.remove()
        return rows

    return run


@pytest.fixture
def check_platform(app, moment):
    """check_platform(*keys, at=None) -> the platform's findings (every state) after running those checks."""

    def run(*keys: str, at: datetime | None = None) -> list[Row]:
        with app.app_context():
            run_checks(at or moment, keys=keys or None)
            db.session.commit()
            rows = _rows(PlatformSecurityFinding)
            db.session.remove()
        return rows

    return run


@pytest.fixture
def set_user(app):
    """set_user(user_id, **columns): change an account directly (dates the tests need)."""

    def change(user_id: int, **values) -> None:
        with app.app_context():
            db.session.execute(update(User).where(User.id == user_id).values(**values))
            db.session.commit()
            db.session.remove()

    return change


def of(rows: list[Row], rule: str, state: str | None = None) -> list[Row]:
    """The findings of one rule (in one state)."""
    return [r for r in rows if r.rule == rule and (state is None or r.state == state)]


def lifecycle(run, fix, count=1):
    """A planted problem's life: found `count` times as new, found again as the same findings (open), fixed
    (resolved). Returns the first findings."""
    first = run()
    assert [r.state for r in first] == ["new"] * count, first
    assert [(r.id, r.state) for r in run()] == [(r.id, "open") for r in first]
    fix()
    assert [(r.id, r.state) for r in run()] == [(r.id, "resolved") for r in first]
    return first
