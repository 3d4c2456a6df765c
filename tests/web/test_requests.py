"""A multipart post werkzeug gives up on half-way leaves no temporary file open (core.web.requests)."""
from __future__ import annotations

import tempfile

import werkzeug.formparser

from tests.hostile.hostile import PDF, File, multipart


def test_files_of_a_form_werkzeug_could_not_read_are_closed(app, two_sites, client_for, monkeypatch):
    opened = []

    class Spy(tempfile.SpooledTemporaryFile):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            opened.append(self)

    monkeypatch.setattr(werkzeug.formparser, "SpooledTemporaryFile", Spy)
    # A good file first, then a part whose file name is not UTF-8: werkzeug drops the whole form.
    body, kind = multipart([("subject", "咨询".encode())], [File("attachment", b"a.pdf", PDF + b"0" * 600_000),
                                                           File("attachment", b"\xff\xfe.pdf", PDF)])
    response = client_for(two_sites[0].host).post("/interaction/write/consultation", data=body, content_type=kind)
    assert response.status_code == 400  # no form, so no CSRF token: refused
    assert opened and all(f.closed for f in opened)
