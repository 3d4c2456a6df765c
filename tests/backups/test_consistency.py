"""A backup taken while another process keeps writing restores to a consistent database, SQLite and PostgreSQL.

The writer commits pairs of rows (one in a site's audit log, one in the
platform's) in single transactions, as fast as it can, all through the backup.
The restored database must hold whole pairs only, match the manifest row for
row, and hold fewer pairs than were written by the end (the copy is of one
moment, not of "whatever was there when each page was read").
"""
from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text

from core.audit.models import AuditEntry, PlatformAuditEntry
from core.backups import engines, runner
from core.backups.layout import MANIFEST
from core.extensions import db
from jobs import progress
from tenants.provisioning import create_tenant
from tenants.scoping import crosses_tenants
from tests.backups.conftest import own_app

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 27, 2, 0, 0)


@crosses_tenants("the test counts the writer's pairs across the whole restored database")
def _pairs() -> tuple[set[int], set[int]]:
    a = {int(t.split("-")[0]) for t in db.session.execute(
        select(AuditEntry.target).where(AuditEntry.action == "test.pair").execution_options(all_tenants=True))
        .scalars()}
    b = {int(t.split("-")[0]) for t in db.session.execute(
        select(PlatformAuditEntry.target).where(PlatformAuditEntry.action == "test.pair")).scalars()}
    return a, b


def _count_pairs(url: str) -> int:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(text("SELECT count(*) FROM platform_audit_entries WHERE action = 'test.pair'")) \
            .scalar()
    engine.dispose()
    return found


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_backup_taken_while_another_process_writes_restores_consistent(kind, tmp_path, monkeypatch):
    with own_app(kind, tmp_path) as (app, url):
        with app.app_context():
            tenant_id = create_tenant(slug="rsj", name_zh="廊坊市人事局", name_en="Personnel Bureau").id
            db.session.commit()
        if kind == "sqlite":
            # Slow the page copy down (a pause between steps of a few pages), so the writer commits many times
            # while it goes on: the open read transaction must keep the copy at one moment regardless.
            monkeypatch.setattr(engines, "PAGES_PER_STEP", 4)
            real_phase = progress.phase

            def slow_phase(label, **kwargs):
                manager = real_phase(label, **kwargs)
                if "Copying the database" not in str(label):
                    return manager

                class Slow:
                    def __enter__(self):
                        bar = manager.__enter__()
                        advance = bar.advance

                        def slowly(amount=1):
                            time.sleep(0.002)
                            advance(amount)

                        bar.advance = slowly
                        return bar

                    def __exit__(self, *exc):
                        return manager.__exit__(*exc)

                return Slow()

            monkeypatch.setattr(progress, "phase", slow_phase)
        stop = tmp_path / "stop"
        writer = subprocess.Popen([sys.executable, str(ROOT / "tests/backups/writer.py"),
                                   url if kind == "sqlite" else url, str(tenant_id), str(stop)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        try:
            deadline = time.monotonic() + 30
            while _count_pairs(url) < 200 and time.monotonic() < deadline:  # writing in earnest
                time.sleep(0.05)
            before = _count_pairs(url)
            with app.app_context():
                result = runner.backup(NOW)
                db.session.remove()
            after = _count_pairs(url)
        finally:
            stop.touch()
            out, err = writer.communicate(timeout=30)
        assert writer.returncode == 0, err
        written = int(out.strip())
        assert after > before, "the writer went on writing during the backup"
        name = result["name"]
        import json

        manifest = json.loads((tmp_path / "backups" / name / MANIFEST).read_text())
        in_backup = manifest["tables"]["platform_audit_entries"]["rows"]
        with app.app_context():
            # The backup verifies: the dump and the manifest are of the same moment.
            assert runner.check_backup(tmp_path / "backups" / name) == []
            result = runner.restore(name, now=NOW)
            a, b = _pairs()
            assert a == b, "only whole pairs"  # every transaction in the copy entirely, or not at all
            assert before <= len(a) < written
            assert a == set(range(1, len(a) + 1))  # a prefix of the writer's transactions: one moment
            if kind == "sqlite":
                assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
                assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
            db.session.remove()
        # the restored platform log: the pairs, the audit entries of the backup's start, the restore's own entry
        assert in_backup >= len(b)
