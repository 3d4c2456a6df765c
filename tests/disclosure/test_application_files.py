"""Files of applications for disclosure and of replies are checked for content as services' and letters' are: a
.docx or .ofd is a ZIP package holding its type's part, not any archive renamed."""
from __future__ import annotations

import io
import zipfile

from core.disclosure.applications import file_problem


def _zip(*parts: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for part in parts:
            package.writestr(part, "<x/>")
    return buffer.getvalue()


def test_a_package_is_taken_only_with_its_type_s_part(app):
    with app.test_request_context():
        assert file_problem("答复书.docx", _zip("[Content_Types].xml", "word/document.xml"), limit=10**6) is None
        assert file_problem("答复书.ofd", _zip("OFD.xml", "Doc_0/Document.xml"), limit=10**6) is None
        for name, data in (("答复书.docx", _zip("photos/a.jpg")), ("答复书.ofd", _zip("word/document.xml")),
                           ("答复书.docx", b"PK\x03\x04 not really a zip")):
            problem = file_problem(name, data, limit=10**6)
            assert problem and "not a real" in problem or "不是真正的" in (problem or ""), name
