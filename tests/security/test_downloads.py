"""Files people uploaded are served as downloads, never as something the browser runs or renders as a page.

Every route that serves an uploaded file is met by the route matrix (tests/test_route_matrix.py,
`FILE_ROUTES`), which checks the headers on each; here, the types: a bureau that widens the attachment
types to markup or vector images (ALLOWED_ATTACHMENT_EXTENSIONS is configuration) still gets bytes, not a page
of its own site running the uploader's script.
"""
from __future__ import annotations

import pytest

from core.content.files import Upload, download_type

ACTIVE = [("page.html", b"<script>alert(1)</script>"), ("page.htm", b"<script>alert(1)</script>"),
          ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
          ("feed.xml", b"<x:script xmlns:x='http://www.w3.org/1999/xhtml'>alert(1)</x:script>"),
          ("page.xhtml", b"<html xmlns='http://www.w3.org/1999/xhtml'><script>alert(1)</script></html>"),
          ("run.js", b"alert(1)"), ("style.css", b"body{}")]


@pytest.mark.parametrize("name, _data", ACTIVE)
def test_an_active_type_is_served_as_bytes(name, _data):
    assert download_type(name) == "application/octet-stream"


@pytest.mark.parametrize("name, served", [("申请表.pdf", "application/pdf"), ("a.docx", None), ("a.txt", "text/plain"),
                                          ("a.csv", "text/csv"), ("a.png", "image/png"), ("a.jpg", "image/jpeg"),
                                          ("a.zip", "application/zip"), ("no-extension", "application/octet-stream")])
def test_a_document_keeps_its_type(name, served):
    found = download_type(name)
    assert found == served if served else found.startswith("application/vnd.openxmlformats")


def test_an_attachment_of_a_widened_type_downloads_as_bytes(app, two_sites, create_article_in, client_for):
    rsj = two_sites[0]
    saved = app.config["ALLOWED_ATTACHMENT_EXTENSIONS"]
    app.config["ALLOWED_ATTACHMENT_EXTENSIONS"] = (*saved, "html", "htm", "svg", "xml", "xhtml", "js", "css")
    try:
        create_article_in(rsj, "notices", "附件", attachments=[Upload(n, d) for n, d in ACTIVE])
    finally:
        app.config["ALLOWED_ATTACHMENT_EXTENSIONS"] = saved
    client = client_for("rsj.localhost")
    from sqlalchemy import select

    from core.content.models import Attachment
    from core.extensions import db
    from tenants.scoping import activate_tenant

    with app.app_context(), activate_tenant(rsj.id):
        found = db.session.execute(select(Attachment.id, Attachment.filename)).all()
    assert len(found) == len(ACTIVE)
    for attachment_id, filename in found:
        response = client.get(f"/attachments/{attachment_id}/{filename}")
        response.close()
        assert response.status_code == 200
        assert response.mimetype == "application/octet-stream", filename
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
