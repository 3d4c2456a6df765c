"""A site's logo is stored as a picture written again from its pixels: no appended bytes, no metadata."""
from __future__ import annotations

import io
import re
import shutil
import struct
import zlib

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from core.extensions import db
from tenants.models import Tenant
from tenants.provisioning import upload_folder
from tests.fixtures.accounts import csrf_token

HTML = b"<html><body><script>alert(document.domain)</script></body></html>"
FOOTER = {"sponsor_zh": "廊坊市人事局", "sponsor_en": "Langfang Personnel Bureau", "address_zh": "", "address_en": "", "phone": "0316-2011111",
          "icp_record": "", "psb_record": "", "site_code": "", "accent": "green", "banner": "river"}


def picture(fmt: str, size=(40, 20), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (166, 27, 27)).save(out, fmt, **save)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header says it is width × height pixels (what a decompression bomb says)."""
    data = bytearray(picture("PNG", (1, 1)))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


@pytest.fixture
def settings_client(app, two_sites, signed_in):
    rsj = two_sites[0]
    with app.app_context():
        shutil.rmtree(upload_folder(rsj.id), ignore_errors=True)  # an earlier test's site of the same id
    client, _ = signed_in("rsj.localhost", "zhang.admin", site=rsj, roles=["site_admin"])
    client.set_language("en")
    return rsj, client


def upload(client, data: bytes, name: str):
    page = client.get("/admin/settings")
    return client.post("/admin/settings", data={**FOOTER, "csrf_token": csrf_token(page.get_data(as_text=True)),
                                                "logo": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def stored_logo(app, site) -> tuple[str | None, list[str]]:
    with app.app_context():
        name = db.session.get(Tenant, site.id).logo_filename
        folder = upload_folder(site.id)
        return name, sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_gif_with_html_after_it_is_stored_as_a_clean_png_without_the_html(app, settings_client, client_for):
    rsj, client = settings_client
    response = upload(client, picture("GIF") + HTML, "logo.gif")
    assert response.status_code == 302
    name, files = stored_logo(app, rsj)
    assert files == [name] and name.endswith(".png")
    html = client_for("rsj.localhost").get("/").get_data(as_text=True)
    src = re.search(r'class="brand-mark" src="(/site-logo/[^"]+)"', html).group(1)
    with client_for("rsj.localhost").get(src) as served:
        assert served.status_code == 200
        assert b"<script" not in served.data and b"<html" not in served.data
        assert served.mimetype == "image/png" and served.headers["X-Content-Type-Options"] == "nosniff"
        with Image.open(io.BytesIO(served.data)) as image:
            assert image.format == "PNG" and image.size == (40, 20)
            assert image.convert("RGB").getpixel((5, 5)) == (166, 27, 27)


def test_metadata_does_not_survive(app, settings_client):
    rsj, client = settings_client
    text = PngInfo()
    text.add_text("Author", "Wang Xiaoming, 13800138000")
    assert upload(client, picture("PNG", pnginfo=text), "logo.png").status_code == 302
    exif = Image.Exif()
    exif[0x013B] = "Wang Xiaoming"  # Artist
    assert upload(client, picture("JPEG", exif=exif.tobytes()), "photo.jpeg").status_code == 302
    name, files = stored_logo(app, rsj)
    assert name.endswith(".jpg") and len(files) == 2
    for stored in files:
        with app.app_context():
            data = (upload_folder(rsj.id) / stored).read_bytes()
        assert b"Wang Xiaoming" not in data and b"Exif" not in data


@pytest.mark.parametrize("data, name, reason", [
    (b"This is a text file, not a picture.\n", "logo.png",
     "'logo.png' is not a PNG, JPEG or GIF picture: it cannot be read as one."),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "logo.svg",
     "'logo.svg' is not a PNG, JPEG or GIF picture: it cannot be read as one."),
    (picture("BMP"), "logo.bmp", "'logo.bmp' is not a PNG, JPEG or GIF picture: it cannot be read as one."),
    (png_claiming(100_000, 100_000), "bomb.png",
     "'bomb.png' has too many pixels to be opened safely; at most 4,000,000 are accepted."),
    (picture("PNG", (2500, 2000)), "big.png",
     "'big.png' is 2500 × 2000 pixels; at most 4,000,000 pixels are accepted."),
    (picture("PNG", (400, 300))[:200], "cut.png", "'cut.png' is damaged: its picture cannot be read."),
])
def test_what_is_not_a_usable_picture_is_refused_with_its_reason_and_nothing_is_written(
        app, settings_client, data, name, reason):
    rsj, client = settings_client
    response = upload(client, data, name)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert reason.replace("'", "&#39;") in html
    assert 'value="0316-2011111"' in html  # the form comes back as typed
    with app.app_context():
        assert db.session.get(Tenant, rsj.id).phone == ""  # nothing half-saved
    assert stored_logo(app, rsj) == (None, [])


def test_a_file_over_the_size_limit_is_refused_before_it_is_decoded(app, settings_client, monkeypatch):
    rsj, client = settings_client
    monkeypatch.setattr("tenants.provisioning.MAX_LOGO_BYTES", 1024)  # a small body: the test client spools big ones
    html = upload(client, picture("PNG", (400, 300)) + b"\x00" * 2048, "big.png").get_data(as_text=True)
    assert "The logo may be at most 1 KB." in html and stored_logo(app, rsj) == (None, [])


def test_the_reason_is_translated(app, settings_client):
    rsj, client = settings_client
    client.set_language("zh_CN")
    html = upload(client, b"not a picture", "logo.png").get_data(as_text=True)
    assert "不是 PNG、JPEG 或 GIF 图片" in html


def test_the_command_line_refuses_the_same_and_stores_the_same(app, two_sites, runner, tmp_path):
    rsj = two_sites[0]
    with app.app_context():
        shutil.rmtree(upload_folder(rsj.id), ignore_errors=True)
    fake = tmp_path / "logo.png"
    fake.write_bytes(b"plain text")
    refused = runner.invoke(args=["tenants", "set-logo", "rsj", str(fake)])
    assert refused.exit_code == 2 and stored_logo(app, rsj) == (None, [])
    polyglot = tmp_path / "logo.gif"
    polyglot.write_bytes(picture("GIF") + HTML)
    assert runner.invoke(args=["tenants", "set-logo", "rsj", str(polyglot)]).exit_code == 0
    name, files = stored_logo(app, rsj)
    with app.app_context():
        assert files == [name] and HTML not in (upload_folder(rsj.id) / name).read_bytes()


def test_an_image_attachment_is_served_as_its_extension_says_and_never_sniffed(two_sites, create_article_in,
                                                                               client_for):
    from core.content.files import Upload

    article = create_article_in(two_sites[0], "news", "图片新闻",
                                attachments=[Upload("现场.gif", picture("GIF") + HTML, "text/html", alt_text="会议现场")])
    page = client_for("rsj.localhost").get(f"/articles/{article}").get_data(as_text=True)
    href = re.search(r'href="(/attachments/[^"]+)"', page)
    with client_for("rsj.localhost").get(href.group(1)) as served:
        assert served.mimetype == "image/gif" and served.headers["X-Content-Type-Options"] == "nosniff"


def test_a_cut_off_picture_is_refused_even_after_the_pdf_library_was_loaded(app, settings_client, monkeypatch):
    """WeasyPrint (the evaluation's PDF) switches Pillow to load cut-off files when imported: uploads still refuse them."""
    import warnings

    from PIL import ImageFile

    with warnings.catch_warnings():  # it warns when the machine lacks HarfBuzz-Subset: not what is tried here
        warnings.simplefilter("ignore")
        import weasyprint  # noqa: F401  (imported for its side effect on Pillow, as a PDF export here would)

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # what the import did when it first ran here
    rsj, client = settings_client
    response = upload(client, picture("PNG", (400, 300))[:200], "cut.png")
    assert response.status_code == 200
    assert "&#39;cut.png&#39; is damaged: its picture cannot be read." in response.get_data(as_text=True)
    assert stored_logo(app, rsj) == (None, [])
