"""A file's size is shown as people read it, in the page's language: never "(0.0 KB)" for a small file."""
from __future__ import annotations

import pytest

from core.content.files import ContentError, Upload
from core.content.labels import human_size


@pytest.mark.parametrize("size, zh, en", [
    (1, "1 字节", "1 byte"),
    (12, "12 字节", "12 bytes"),
    (1023, "1,023 字节", "1,023 bytes"),
    (1024, "1 KB", "1 KB"),
    (1536, "1.5 KB", "1.5 KB"),
    (200 * 1024 + 100, "200.1 KB", "200.1 KB"),
    (1048575, "1 MB", "1 MB"),  # 1023.999 KB reads as 1 MB, not "1,024 KB"
    (int(5.25 * 1048576), "5.2 MB", "5.2 MB"),
    (20 * 1048576, "20 MB", "20 MB"),
])
def test_sizes_in_bytes_kilobytes_and_megabytes(app, size, zh, en):
    for language, expected in (("zh_CN", zh), ("en", en)):
        with app.test_request_context(headers={"Cookie": f"lang={language}"}):
            assert human_size(size) == expected


def test_small_files_show_their_bytes_on_every_page(app, two_sites, client_for, create_article_in, signed_in):
    rsj = two_sites[0]
    article_id = create_article_in(rsj, "forms", "小表格", attachments=[Upload("小表格.pdf", b"%PDF-1.4 tiny")])
    client = client_for("rsj.localhost")
    for path in (f"/articles/{article_id}", "/sections/forms/"):
        html = client.get(path).get_data(as_text=True)
        assert "(13 字节)" in html and "0.0 KB" not in html, path
    client.set_language("en")
    for path in (f"/articles/{article_id}", "/sections/forms/"):
        assert "(13 bytes)" in client.get(path).get_data(as_text=True), path
    editor, _ = signed_in("rsj.localhost", "zhou.publisher", site=rsj, roles=["collector", "publisher"])
    edit = editor.get(f"/admin/articles/{article_id}").get_data(as_text=True)
    assert "(13 字节)" in edit
    assert "不超过 20 MB" in editor.get("/admin/articles/new").get_data(as_text=True)


def test_a_refused_size_is_said_in_the_same_words(app, two_sites, create_article_in):
    app.config["MAX_ATTACHMENT_BYTES"], limit = 1024, app.config["MAX_ATTACHMENT_BYTES"]
    try:
        with pytest.raises(ContentError) as caught:
            create_article_in(two_sites[0], "forms", "大文件", attachments=[Upload("big.pdf", b"x" * 2048)])
    finally:
        app.config["MAX_ATTACHMENT_BYTES"] = limit
    assert str(caught.value) == "“big.pdf”大小为 2 KB，超过 1 KB 的限制。"
