"""The console's site page offers the export and the deletion; the import page takes an archive.

Changing needs a platform administrator; the evaluator reads the pages without their buttons.
"""
from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from sqlalchemy import select

from core.audit.models import PlatformAuditEntry
from core.extensions import db
from tenants.models import Tenant
from tests.backups.archive_helpers import PASSPHRASE
from tests.fixtures.accounts import csrf_token, post_form


def _export(admin, site_id: int, passphrase: str = PASSPHRASE, again: str | None = None):
    """The export page's answer to the passphrase typed twice, read whole (and closed: it is sent from a file)."""
    response = post_form(admin, f"/platform/sites/{site_id}/export", {
        "passphrase": passphrase, "passphrase_again": passphrase if again is None else again})
    response.get_data()
    response.close()
    return response


def _actions(app) -> list[str]:
    with app.app_context():
        found = db.session.execute(select(PlatformAuditEntry.action).order_by(PlatformAuditEntry.id)).scalars().all()
        db.session.remove()
    return found


def test_the_site_page_offers_the_export_and_the_deletion_to_an_administrator(city, admin, evaluator):
    page = admin.get(f"/platform/sites/{city.rsj.id}").get_data(as_text=True)
    assert f'href="/platform/sites/{city.rsj.id}/export"' in page
    assert f'href="/platform/sites/{city.rsj.id}/delete"' in page
    assert "personal information" in page or "个人信息" in page
    shown = evaluator.get(f"/platform/sites/{city.rsj.id}").get_data(as_text=True)
    assert "/export" not in shown and "/delete" not in shown


def test_the_export_downloads_the_whole_site_and_is_recorded(app, city, admin):
    import tempfile
    from pathlib import Path

    made = set(Path(tempfile.gettempdir()).glob("govsites-export-*"))
    response = _export(admin, city.rsj.id)
    assert set(Path(tempfile.gettempdir()).glob("govsites-export-*")) == made  # the file went with the answer
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert re.search(r'filename=rsj-\d{8}-\d{4}\.site\.zip', response.headers["Content-Disposition"])
    assert response.headers["Cache-Control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["site"]["slug"] == "rsj" and manifest["tables"]["articles"]["rows"] == 2
    assert manifest["personal_data"] == "protected"
    assert "site.export" in _actions(app)


def test_the_export_page_asks_for_the_passphrase_twice_and_says_what_it_is_for(city, admin, evaluator):
    page = admin.get(f"/platform/sites/{city.rsj.id}/export").get_data(as_text=True)
    assert page.count('type="password"') == 2 and 'autocomplete="new-password"' in page
    assert "至少 12 个字符" in page  # the length, before anything is typed
    assert "没有口令" in page and "无法恢复" in page  # without it, the personal data cannot be restored
    shown = evaluator.get(f"/platform/sites/{city.rsj.id}/export")
    assert shown.status_code == 200 and 'type="password"' not in shown.get_data(as_text=True)


@pytest.mark.parametrize("passphrase, again, said", [
    ("short", "short", "口令至少要有 12 个字符"),
    (PASSPHRASE, PASSPHRASE + "!", "两次输入的口令不一致"),
    (PASSPHRASE, "", "请再输入一次口令"),
    ("", "", "请设定保护存档中个人信息的口令"),
])
def test_a_passphrase_too_short_or_not_matching_shows_the_form_again(app, city, admin, passphrase, again, said):
    import tempfile
    from pathlib import Path

    made = set(Path(tempfile.gettempdir()).glob("govsites-export-*"))
    response = _export(admin, city.rsj.id, passphrase, again)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert 'class="errors"' in page and said in page
    assert page.count('type="password"') == 2 and PASSPHRASE not in page  # typed again, never sent back
    assert "site.export" not in _actions(app)
    assert set(Path(tempfile.gettempdir()).glob("govsites-export-*")) == made


def test_the_deletion_asks_for_the_short_name_and_then_deletes(app, city, admin, client_for):
    page = admin.get(f"/platform/sites/{city.rsj.id}/delete").get_data(as_text=True)
    assert f'href="/platform/sites/{city.rsj.id}/export"' in page  # the export, offered first
    wrong = post_form(admin, f"/platform/sites/{city.rsj.id}/delete", {"confirm_slug": "czj"})
    assert wrong.status_code == 200 and 'class="errors"' in wrong.get_data(as_text=True)
    assert client_for("rsj.localhost").get("/").status_code == 200
    done = post_form(admin, f"/platform/sites/{city.rsj.id}/delete", {"confirm_slug": " RSJ "})
    assert done.status_code == 302 and done.headers["Location"].endswith("/platform/")
    assert client_for("rsj.localhost").get("/").status_code == 404
    assert client_for("czj.localhost").get("/").status_code == 200
    assert "site.delete" in _actions(app)


def test_an_archive_uploaded_is_imported_and_a_refusal_shown_under_its_field(app, city, admin, client_for):
    archive = _export(admin, city.rsj.id).get_data()
    form = admin.get("/platform/sites/import").get_data(as_text=True)

    def upload(**fields):
        return admin.post("/platform/sites/import", data={"csrf_token": csrf_token(form), **fields,
                                                          "archive": (io.BytesIO(archive), "rsj.site.zip")},
                          content_type="multipart/form-data")

    refused = upload(passphrase=PASSPHRASE)
    assert refused.status_code == 200
    page = refused.get_data(as_text=True)
    assert page.count('class="errors"') >= 2 and "rsj.localhost" in page  # under the short name and the domain

    wrong = upload(slug="rsj-copy", domain="rsj-copy.localhost", passphrase="another long passphrase")
    page = wrong.get_data(as_text=True)
    assert wrong.status_code == 200 and 'id="passphrase-errors"' in page and "不是导出存档时设定的口令" in page
    missing = upload(slug="rsj-copy", domain="rsj-copy.localhost")
    assert 'id="passphrase-errors"' in missing.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(Tenant.slug).order_by(Tenant.slug)).scalars().all() == ["czj", "rsj"]
        db.session.remove()
    with app.app_context():
        assert db.session.execute(select(Tenant.slug).order_by(Tenant.slug)).scalars().all() == ["czj", "rsj"]
        db.session.remove()

    done = upload(slug="rsj-copy", domain="rsj-copy.localhost", passphrase=PASSPHRASE)
    assert done.status_code == 302
    with app.app_context():
        copy = db.session.execute(select(Tenant).where(Tenant.slug == "rsj-copy")).scalar_one()
        assert done.headers["Location"].endswith(f"/platform/sites/{copy.id}")
        db.session.remove()
    assert "site.import" in _actions(app)
    assert client_for("rsj-copy.localhost").get("/").status_code == 200


def test_an_archive_over_the_limit_is_refused_on_the_form(app, city, admin):
    archive = _export(admin, city.rsj.id).get_data()
    form = admin.get("/platform/sites/import").get_data(as_text=True)
    saved = app.config["SITE_ARCHIVE_MAX_BYTES"]
    app.config["SITE_ARCHIVE_MAX_BYTES"] = len(archive) - 1
    try:
        response = admin.post("/platform/sites/import", data={
            "csrf_token": csrf_token(form), "slug": "rsj-copy", "domain": "rsj-copy.localhost",
            "passphrase": PASSPHRASE, "archive": (io.BytesIO(archive), "rsj.site.zip")},
            content_type="multipart/form-data")
    finally:
        app.config["SITE_ARCHIVE_MAX_BYTES"] = saved
    assert response.status_code == 200 and "flask backup import-site" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(Tenant.id).where(Tenant.slug == "rsj-copy")).first() is None
        db.session.remove()


def test_only_a_platform_administrator_exports_deletes_or_imports(app, city, admin, evaluator, signed_in):
    """The export holds personal data: the evaluator, who reads the console, cannot take it, nor delete or import;
    a site's administrator does not reach the console's pages at all."""
    archive = _export(admin, city.rsj.id).get_data()
    shown = evaluator.get(f"/platform/sites/{city.rsj.id}/delete").get_data(as_text=True)
    for path, data in ((f"/platform/sites/{city.rsj.id}/export", {"passphrase": PASSPHRASE,
                                                                   "passphrase_again": PASSPHRASE}),
                       (f"/platform/sites/{city.rsj.id}/delete", {"confirm_slug": "rsj"}),
                       ("/platform/sites/import", {"slug": "rsj-copy", "domain": "rsj-copy.localhost",
                                                   "passphrase": PASSPHRASE,
                                                   "archive": (io.BytesIO(archive), "rsj.site.zip")})):
        refused = evaluator.post(path, data={**data, "csrf_token": csrf_token(shown)},
                                 content_type="multipart/form-data")
        assert refused.status_code == 403, path
    site_admin, _account = signed_in("rsj.localhost", "wang.siteadmin", site=city.rsj, roles=["site_admin"])
    for path in (f"/platform/sites/{city.rsj.id}/delete", "/platform/sites/import"):
        assert site_admin.get(path).status_code == 404
    assert _actions(app).count("site.export") == 1  # the administrator's only
    with app.app_context():
        assert db.session.execute(select(Tenant.slug).order_by(Tenant.slug)).scalars().all() == ["czj", "rsj"]
        db.session.remove()


def test_a_form_without_its_token_changes_nothing(app, city, admin):
    for path, data in ((f"/platform/sites/{city.rsj.id}/export", {"passphrase": PASSPHRASE,
                                                                   "passphrase_again": PASSPHRASE}),
                       (f"/platform/sites/{city.rsj.id}/delete", {"confirm_slug": "rsj"}),
                       ("/platform/sites/import", {"archive": (io.BytesIO(b"PK"), "rsj.site.zip")})):
        response = admin.post(path, data=data, content_type="multipart/form-data")
        assert response.status_code == 400 and response.mimetype == "text/html", path
    assert "site.export" not in _actions(app) and "site.delete" not in _actions(app)


def test_a_file_that_is_no_archive_is_refused_under_its_field(app, city, admin):
    from tests.backups.archive_helpers import every_file

    files = every_file(app)
    form = admin.get("/platform/sites/import").get_data(as_text=True)
    for name, data, said in (("rsj.site.zip", b"%PDF-1.4 not a zip", "不是站点存档"),
                             ("notes.txt", "一份说明".encode(), "不是站点存档"), ("empty.zip", b"", "请选择站点存档")):
        response = admin.post("/platform/sites/import", data={
            "csrf_token": csrf_token(form), "archive": (io.BytesIO(data), name)}, content_type="multipart/form-data")
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and 'class="errors"' in page, name
        assert said in page, name
    assert every_file(app) == files
    with app.app_context():
        assert db.session.execute(select(Tenant.slug).order_by(Tenant.slug)).scalars().all() == ["czj", "rsj"]
        db.session.remove()


def test_an_upload_far_over_the_limit_is_answered_with_a_page(app, city, admin):
    """A request larger than the limit (and its margin) is cut off before it is read: a page says why."""
    form = admin.get("/platform/sites/import").get_data(as_text=True)
    saved = app.config["SITE_ARCHIVE_MAX_BYTES"]
    app.config["SITE_ARCHIVE_MAX_BYTES"] = 1024
    # The body written by hand (the test client would spool a large form to a file it leaves open on a 413).
    body = (b'--B\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n' + csrf_token(form).encode()
            + b'\r\n--B\r\nContent-Disposition: form-data; name="archive"; filename="a.zip"\r\n'
            b"Content-Type: application/zip\r\n\r\nPK" + b"\0" * (3 * 1024 * 1024) + b"\r\n--B--\r\n")
    try:
        response = admin.post("/platform/sites/import", data=body, content_type="multipart/form-data; boundary=B")
    finally:
        app.config["SITE_ARCHIVE_MAX_BYTES"] = saved
    assert response.status_code == 413 and response.mimetype == "text/html"
