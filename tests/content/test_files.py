"""The upload folder stays true to the database: a file is kept only if its row (or revision) commits, a
removed attachment's file stays while a revision lists it, and the sweep deletes only what nothing names."""
from __future__ import annotations

import io
import os
import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from core.content.files import SWEEP_GRACE, Upload, upload_dir
from core.content.models import Article, ArticleRevision, Attachment
from core.extensions import db
from core.publishing import operations
from core.publishing.operations import WorkflowError, create_draft, restore_revision, save_article
from core.sections.models import Section
from core.timeutil import now
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import csrf_token
from tests.publishing.conftest import act  # noqa: F401  (the fixture: run an operation as a user, then commit)


def files_of(app, site) -> set[str]:
    with app.app_context():
        folder = upload_dir(site.id)
        return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


@pytest.fixture
def collector(app, two_sites, create_account):
    return create_account("rsj.files", site=two_sites[0], roles=["collector"]).id


def _draft(app, site, user_id, *uploads, commit=True):
    from core.auth.models import User

    with app.app_context(), activate_tenant(site.id):
        section = db.session.execute(select(Section).where(Section.slug == "news")).scalar_one()
        article, _ = create_draft(section=section, actor=db.session.get(User, user_id),
                                  fields={"title": "带附件的通知"}, uploads=list(uploads))
        article_id = article.id
        if commit:
            db.session.commit()
        db.session.remove()
        return article_id


def test_a_file_written_by_an_operation_that_then_fails_is_removed(app, two_sites, signed_in, monkeypatch):
    rsj = two_sites[0]
    client, _ = signed_in("rsj.localhost", "rsj.fail", site=rsj, roles=["collector"])
    before = files_of(app, rsj)

    def refuse(*_args, **_kwargs):
        raise WorkflowError("the revision could not be kept")  # after store_upload wrote the file

    monkeypatch.setattr(operations, "_add_revision", refuse)
    page = client.get("/admin/articles/new").get_data(as_text=True)
    news = re.search(r'<option selected value="(\d+)">', page).group(1)
    response = client.post("/admin/articles/new", data={
        "section_id": news, "title": "半途失败", "csrf_token": csrf_token(page),
        "attachment": (io.BytesIO(b"%PDF half"), "half.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 200 and "the revision could not be kept" in response.get_data(as_text=True)
    assert files_of(app, rsj) == before
    with app.app_context(), activate_tenant(rsj.id):
        assert db.session.execute(select(Article).where(Article.title == "半途失败")).first() is None


def test_a_commit_that_fails_leaves_no_file(app, two_sites, collector):
    rsj = two_sites[0]
    before = files_of(app, rsj)

    def fail(_session):
        raise RuntimeError("the database refused the commit")

    event.listen(Session, "before_commit", fail)
    try:
        with pytest.raises(RuntimeError):
            _draft(app, rsj, collector, Upload("通知.pdf", b"%PDF never"))
    finally:
        event.remove(Session, "before_commit", fail)
    assert files_of(app, rsj) == before


def test_a_session_closed_without_commit_leaves_no_file_and_a_committed_one_keeps_it(app, two_sites, collector):
    rsj = two_sites[0]
    before = files_of(app, rsj)
    _draft(app, rsj, collector, Upload("草稿.pdf", b"%PDF gone"), commit=False)  # closed, never committed
    assert files_of(app, rsj) == before
    article = _draft(app, rsj, collector, Upload("保留.pdf", b"%PDF kept"))
    with app.app_context(), activate_tenant(rsj.id):
        stored = db.session.execute(select(Attachment.stored_name).where(Attachment.article_id == article)).scalar()
    assert files_of(app, rsj) == before | {stored}


def test_a_rolled_back_savepoint_takes_its_file_and_a_released_one_keeps_it(app, two_sites, collector):
    from core.content.files import write_upload

    rsj = two_sites[0]
    before = files_of(app, rsj)
    with app.app_context(), activate_tenant(rsj.id):
        db.session.connection()
        kept = None
        with db.session.begin_nested():
            kept = write_upload(Upload("留下.pdf", b"%PDF a"))["stored_name"]
        nested = db.session.begin_nested()
        dropped = write_upload(Upload("撤回.pdf", b"%PDF b"))["stored_name"]
        nested.rollback()
        assert dropped not in files_of(app, rsj)
        db.session.commit()
    assert files_of(app, rsj) == before | {kept}


def test_restoring_a_revision_brings_its_files_back(app, two_sites, collector, act):
    rsj = two_sites[0]
    article = _draft(app, rsj, collector, Upload("第一版附件.pdf", b"%PDF first"))
    with app.app_context(), activate_tenant(rsj.id):
        first = db.session.execute(select(Attachment).where(Attachment.article_id == article)).scalar_one()
        first_name, first_stored = first.filename, first.stored_name

    def replace(user, a):
        return save_article(a, actor=user, fields={"title": "带附件的通知"}, expected_version=a.version,
                            uploads=[Upload("第二版附件.pdf", b"%PDF second")], remove_attachments=[first_stored])

    act(collector, replace, article)
    with app.app_context(), activate_tenant(rsj.id):
        names = set(db.session.execute(select(Attachment.filename).where(Attachment.article_id == article)).scalars())
    assert names == {"第二版附件.pdf"}
    assert first_stored in files_of(app, rsj)  # the row went, the file stays: revision 1 lists it
    act(collector, lambda u, a: restore_revision(a, 1, actor=u), article)
    with app.app_context(), activate_tenant(rsj.id):
        rows = db.session.execute(select(Attachment).where(Attachment.article_id == article)).scalars().all()
        assert [(r.filename, r.stored_name) for r in rows] == [(first_name, first_stored)]
        newest = db.session.execute(select(ArticleRevision.data).where(ArticleRevision.article_id == article)
                                    .order_by(ArticleRevision.number.desc())).scalars().first()
    assert first_stored in newest and "第二版附件.pdf" not in newest


def _age(app, site, name: str, by: timedelta) -> None:
    with app.app_context():
        path = upload_dir(site.id) / name
        moment = path.stat().st_mtime - by.total_seconds()
        os.utime(path, (moment, moment))


def test_the_sweep_deletes_only_old_files_nothing_refers_to(app, two_sites, collector, act):
    from core.content.jobs import sweep_unreferenced_files

    rsj = two_sites[0]
    earlier = files_of(app, rsj)  # other tests' files: just written, so inside the grace period
    article = _draft(app, rsj, collector, Upload("在用.pdf", b"%PDF live"), Upload("将删除.pdf", b"%PDF old"))
    with app.app_context(), activate_tenant(rsj.id):
        live, removed = db.session.execute(select(Attachment.stored_name).where(Attachment.article_id == article)
                                           .order_by(Attachment.id)).scalars().all()
    act(collector, lambda u, a: save_article(a, actor=u, fields={"title": "带附件的通知"},
                                             expected_version=a.version, remove_attachments=[removed]), article)
    with app.app_context():
        folder = upload_dir(rsj.id)
        (folder / ("a" * 32 + ".pdf")).write_bytes(b"orphan")  # its item gone, or its process died
        (folder / ("b" * 32 + ".pdf")).write_bytes(b"in flight")  # an upload not yet committed
        (folder / "logo-0123456789abcdef.png").write_bytes(b"\x89PNG\r\n\x1a\n")  # the site's logo
    for name in (live, removed, "a" * 32 + ".pdf", "logo-0123456789abcdef.png"):
        _age(app, rsj, name, SWEEP_GRACE + timedelta(hours=1))
    with app.app_context():
        result = sweep_unreferenced_files(now())
        db.session.commit()
    assert result.outcome == "success" and result.done["rsj"] == {"deleted": 1}
    assert files_of(app, rsj) == earlier | {live, removed, "b" * 32 + ".pdf", "logo-0123456789abcdef.png"}
    with app.app_context():
        sweep_unreferenced_files(now() + SWEEP_GRACE + timedelta(hours=2))  # the upload never committed
        db.session.commit()
    assert "b" * 32 + ".pdf" not in files_of(app, rsj) and removed in files_of(app, rsj)
    with app.app_context(), activate_tenant(rsj.id):
        from core.audit.models import AuditEntry

        assert db.session.execute(select(AuditEntry.action).where(AuditEntry.action == "attachment.sweep")).first()
