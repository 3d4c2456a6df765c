"""The console's site page offers the export and the deletion; the import page takes an archive.

Changing needs a platform administrator; the evaluator reads the pages without their buttons.
"""
from __future__ import annotations

import io
import json
import re
import zipfile

from sqlalchemy import select

from core.audit.models import PlatformAuditEntry
from core.extensions import db
from tenants.models import Tenant
from tests.fixtures.accounts import csrf_token, post_form


def _export(admin, site_id: int):
    """The export button's answer, read whole (and closed: it is sent from a file)."""
    response = post_form(admin, f"/platform/sites/{site_id}/export", {}, form_path=f"/platform/sites/{site_id}")
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
    assert f'action="/platform/sites/{city.rsj.id}/export"' in page
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
    assert "site.export" in _actions(app)


def test_the_deletion_asks_for_the_short_name_and_then_deletes(app, city, admin, client_for):
    page = admin.get(f"/platform/sites/{city.rsj.id}/delete").get_data(as_text=True)
    assert f'action="/platform/sites/{city.rsj.id}/export"' in page  # the export, offered first
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

    refused = upload()
    assert refused.status_code == 200
    page = refused.get_data(as_text=True)
    assert page.count('class="errors"') >= 2 and "rsj.localhost" in page  # under the short name and the domain
    with app.app_context():
        assert db.session.execute(select(Tenant.slug).order_by(Tenant.slug)).scalars().all() == ["czj", "rsj"]
        db.session.remove()

    done = upload(slug="rsj-copy", domain="rsj-copy.localhost")
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
            "archive": (io.BytesIO(archive), "rsj.site.zip")}, content_type="multipart/form-data")
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
    for path, data in ((f"/platform/sites/{city.rsj.id}/export", {}),
                       (f"/platform/sites/{city.rsj.id}/delete", {"confirm_slug": "rsj"}),
                       ("/platform/sites/import", {"slug": "rsj-copy", "domain": "rsj-copy.localhost",
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
    for path, data in ((f"/platform/sites/{city.rsj.id}/export", {}),
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
