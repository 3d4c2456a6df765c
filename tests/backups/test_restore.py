"""Restore: the database and the uploads come back as they were; refusals before anything is touched."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from core.audit.models import PlatformAuditEntry
from core.backups import runner
from core.backups.errors import BackupError
from core.backups.layout import MANIFEST
from core.backups.models import Backup
from core.content.models import Article
from core.extensions import db
from core.sections.queries import site_sections
from jobs.lease import acquire_lease
from jobs.models import JobRun
from tenants.provisioning import create_tenant
from tenants.scoping import activate_tenant
from tests.backups.conftest import own_app

#: The newest migration, by its file name (core/migrations/versions/NNNN_*.py).
HEAD = max(p.name[:4] for p in
           (Path(__file__).resolve().parents[2] / "core" / "migrations" / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))

NOW = datetime(2026, 11, 27, 2, 0, 0)
KINDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _articles(tenant_id: int) -> list[str]:
    with activate_tenant(tenant_id):
        return sorted(db.session.execute(select(Article.title)).scalars())


def _add_article(tenant_id: int, title: str) -> None:
    from core.content.operations import create_article

    with activate_tenant(tenant_id):
        section = next(s for s in site_sections() if s.slug == "news")
        create_article(section=section, title=title, published_at=NOW - timedelta(hours=1))
        db.session.commit()


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)}


@pytest.fixture(params=KINDS)
def city(request, tmp_path):
    """An app on its own database with one site, one article and one uploaded file, and a backup of it."""
    with own_app(request.param, tmp_path) as (app, url):
        uploads = tmp_path / "uploads"
        with app.app_context():
            tenant_id = create_tenant(slug="rsj", name_zh="廊坊市人事局", name_en="Personnel Bureau").id
            db.session.commit()
            _add_article(tenant_id, "备份之前的新闻")
            (uploads / f"site-{tenant_id}").mkdir(parents=True)
            (uploads / f"site-{tenant_id}" / ("a" * 32 + ".pdf")).write_bytes(b"%PDF-1.4 before")
            name = runner.backup(NOW)["name"]
            db.session.remove()
        yield app, tenant_id, name, tmp_path


def test_restore_brings_back_the_database_and_the_uploads(city):
    app, tenant_id, name, tmp_path = city
    uploads = tmp_path / "uploads"
    before = _files(uploads)
    with app.app_context():
        _add_article(tenant_id, "备份之后的新闻")
        (uploads / f"site-{tenant_id}" / ("a" * 32 + ".pdf")).unlink()
        (uploads / f"site-{tenant_id}" / ("b" * 32 + ".pdf")).write_bytes(b"%PDF-1.4 after")
        assert _articles(tenant_id) == ["备份之前的新闻", "备份之后的新闻"]
        result = runner.restore(name, now=NOW + timedelta(days=1))
        assert _articles(tenant_id) == ["备份之前的新闻"]
        assert _files(uploads) == before
        # what was there is kept aside, not lost
        kept = Path(result["kept_uploads"])
        assert (kept / f"site-{tenant_id}" / ("b" * 32 + ".pdf")).read_bytes() == b"%PDF-1.4 after"
        if result["kept_database"]:
            assert Path(result["kept_database"]).is_file()
        # the restore is on record in the restored database; the backup's own run, caught running, is closed
        assert db.session.execute(select(PlatformAuditEntry.target).where(
            PlatformAuditEntry.action == "backups.restore")).scalars().all() == [name]
        backup = db.session.execute(select(Backup).where(Backup.name == name)).scalar_one()
        assert backup.status == "good" and backup.size_bytes > 0
        assert db.session.execute(select(func.count()).select_from(JobRun).where(JobRun.finished_at.is_(None))) \
            .scalar() == 0
        # and the restored database backs up and verifies again
        again = runner.backup(NOW + timedelta(days=1, hours=1))["name"]
        assert runner.check_backup(tmp_path / "backups" / again) == []
        db.session.remove()


def test_restore_into_a_new_empty_database(city):
    """A new server's database, not even migrated (no lease table: no scheduler can run there): restored."""
    import secrets

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from core import create_app

    app, tenant_id, name, tmp_path = city
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    admin = None
    if url.get_backend_name() == "sqlite":
        new = url.set(database=str(tmp_path / "new-server.sqlite3"))
    else:
        new = url.set(database=f"{url.database}_new_{secrets.token_hex(3)}")
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{new.database}"'))
    try:
        fresh = create_app({**{k: app.config[k] for k in ("SECRET_KEY", "BACKUP_FOLDER", "PERSONAL_DATA_KEYS",
                                                           "PERSONAL_DATA_INDEX_KEY")},
                            "DATABASE_URL": new.render_as_string(hide_password=False), "BACKUP_COPY_FOLDER": "",
                            "UPLOAD_FOLDER": str(tmp_path / "new-uploads")})
        with fresh.app_context():
            result = runner.restore(name, now=NOW + timedelta(days=1))
            assert result["revision"] == result["head"] and not result["kept_uploads"]
            assert _articles(tenant_id) == ["备份之前的新闻"]
            assert _files(tmp_path / "new-uploads") == {f"site-{tenant_id}/{'a' * 32}.pdf": b"%PDF-1.4 before"}
            db.session.remove()
            db.engine.dispose()
    finally:
        if admin is not None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{new.database}" WITH (FORCE)'))
            admin.dispose()


def _edit_manifest(tmp_path: Path, name: str, change) -> None:
    path = tmp_path / "backups" / name / MANIFEST
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))


def _refused(app, name: str, tenant_id: int, tmp_path: Path) -> BackupError:
    """Restore, expecting a refusal; the database and the uploads are as they were."""
    uploads = tmp_path / "uploads"
    with app.app_context():
        _add_article(tenant_id, "备份之后的新闻")
        before_files = _files(uploads)
        with pytest.raises(BackupError) as refused:
            runner.restore(name, now=NOW + timedelta(days=1))
        db.session.rollback()
        assert _articles(tenant_id) == ["备份之前的新闻", "备份之后的新闻"]
        assert _files(uploads) == before_files
        with force_locale("en"):
            words = refused.value.words()
        db.session.remove()
    refused.value.words_en = words
    return refused.value


def test_restore_refuses_a_backup_of_a_newer_schema(city):
    app, tenant_id, name, tmp_path = city
    _edit_manifest(tmp_path, name, lambda m: m.update(schema_revision="0999"))
    refusal = _refused(app, name, tenant_id, tmp_path)
    assert refusal.code == "newer_schema"
    assert refusal.words_en == (
        "This backup was made by a newer version of govsites: its database is at schema revision 0999, which "
        f"this code does not know (the newest it knows is {HEAD}). Restore it with the version that made it, or a "
        "later one.")


def test_restore_refuses_a_damaged_backup_before_touching_anything(city):
    app, tenant_id, name, tmp_path = city
    [dump] = [p for p in (tmp_path / "backups" / name).iterdir() if p.name.startswith("database.")]
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0x01
    dump.write_bytes(bytes(data))
    refusal = _refused(app, name, tenant_id, tmp_path)
    assert refusal.code == "damaged" and dump.name in refusal.words_en


def test_restore_refuses_the_other_kind_of_database_and_a_running_scheduler(city):
    app, tenant_id, name, tmp_path = city
    other = {"sqlite": "postgresql", "postgresql": "sqlite"}
    _edit_manifest(tmp_path, name, lambda m: m["database"].update(kind=other[m["database"]["kind"]]))
    assert _refused(app, name, tenant_id, tmp_path).code == "other_kind"
    _edit_manifest(tmp_path, name, lambda m: m["database"].update(kind=other[m["database"]["kind"]]))
    with app.app_context():
        assert acquire_lease("host:1:abcd", now=NOW + timedelta(days=1), seconds=30)
        db.session.commit()
        with pytest.raises(BackupError) as refused:
            runner.restore(name, now=NOW + timedelta(days=1))
        assert refused.value.code == "scheduler_running" and refused.value.params["holder"] == "host:1:abcd"
        db.session.remove()


def test_the_command_asks_before_it_replaces_anything(city):
    app, tenant_id, name, _ = city
    runner_cli = app.test_cli_runner()
    result = runner_cli.invoke(args=["backup", "restore", name], input="n\n")
    assert result.exit_code == 1
    assert "Stop the web server and the scheduler first" in result.output
    with app.app_context():
        _add_article(tenant_id, "备份之后的新闻")
        db.session.remove()
    result = runner_cli.invoke(args=["backup", "restore", name, "--yes"])
    assert result.exit_code == 0, result.output
    assert f"Restored {name}" in result.output
    with app.app_context():
        assert _articles(tenant_id) == ["备份之前的新闻"]
        db.session.remove()
    result = runner_cli.invoke(args=["backup", "restore", "govsites-20200101-000000", "--yes"])
    assert result.exit_code == 1 and "There is no backup named govsites-20200101-000000" in result.output
