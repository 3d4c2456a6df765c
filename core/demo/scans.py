"""Scans and phone photos of application materials, as citizens upload them: real JPEG and PDF files.

A service officer of the demo city opens an application's materials, so they
must open: a JPEG photo of an ID card, an image-only PDF of a form or a report
as a scanner app makes it. Each page is drawn with Pillow: the material's title
in Chinese, the rest of the text as grey bars (nobody's personal data), the
seal, and a "演示样本" watermark so no one takes one for a real document.

Each kind of page is drawn once; a material's title is written on a copy,
and its file's bytes are kept: the demo's thousands of applications share a
few hundred files' bytes, made in a few milliseconds each. Output is deterministic for a given title and
installed font (a PDF carries a fixed date). With no CJK font installed the
text is drawn as bars too: the files stay real, only less readable.
"""
from __future__ import annotations

import io
import math
import random
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

#: CJK fonts where Debian, Ubuntu, Fedora and Alpine put them, with the face of simplified Chinese in a collection.
FONT_CANDIDATES = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
)
#: A scanned A4 page at 85 dpi: readable, and small (5 KB in black and white, some 40 KB in colour).
PAGE = (700, 990)
PDF_DPI = 85
#: The PDF's dates: fixed, so the same page gives the same bytes.
PDF_DATE = datetime(2024, 1, 1, 9, 0, 0).timetuple()
WATERMARK = "演示样本 仅供演示"
INK = (40, 40, 46)
BAR = (150, 150, 156)
SEAL = (200, 40, 40)


@lru_cache(maxsize=1)
def _font_file() -> tuple[str, int] | None:
    for path, index in FONT_CANDIDATES:
        if Path(path).is_file():
            return path, index
    return None


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont | None:
    found = _font_file()
    if found is None:
        return None
    try:
        return ImageFont.truetype(found[0], size, index=found[1])
    except OSError:
        return None


def _text(draw: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, size: int, fill=INK,
          anchor: str = "la") -> None:
    """Draw Chinese text; without a CJK font, a bar as long as the text would be."""
    font = _font(size)
    if font is not None:
        draw.text(xy, text, font=font, fill=fill, anchor=anchor)
        return
    width = size * len(text)
    x, y = xy
    if anchor[0] == "m":
        x -= width // 2
    draw.rectangle((x, y + size // 4, x + width, y + size * 3 // 4), fill=fill)


def _fit(text: str, size: int, width: int) -> int:
    """The largest font size up to `size` at which `text` fits in `width` pixels."""
    while size > 12 and size * len(text) > width:
        size -= 1
    return size


def _bars(draw: ImageDraw.ImageDraw, rng: random.Random, x: int, y: int, width: int, lines: int,
          step: int = 26, height: int = 9) -> int:
    """Lines of text too small to read (as a scan at this size shows them); return the y after them."""
    for n in range(lines):
        indent = 28 if n == 0 else 0
        end = x + width if n < lines - 1 else x + int(width * rng.uniform(0.3, 0.8))
        draw.rectangle((x + indent, y, end, y + height), fill=BAR)
        y += step
    return y


def _seal(draw: ImageDraw.ImageDraw, centre: tuple[int, int], radius: int) -> None:
    """A round official seal: two rings and a star, in red ink."""
    cx, cy = centre
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=SEAL, width=5)
    inner = radius - 9
    draw.ellipse((cx - inner, cy - inner, cx + inner, cy + inner), outline=SEAL, width=1)
    star = radius // 3
    points = []
    for k in range(10):
        angle = math.pi / 2 + k * math.pi / 5
        r = star if k % 2 == 0 else star * 0.4
        points.append((cx + r * math.cos(angle), cy - r * math.sin(angle)))
    draw.polygon(points, fill=SEAL)


def _watermark(image: Image.Image, *, hollow: bool = False) -> Image.Image:
    """A pale diagonal "demo sample" across the page; `hollow`: outlined letters, which survive black and white."""
    layer = Image.new("L", image.size, 0)
    draw = ImageDraw.Draw(layer)
    size = max(image.size) // 14
    font = _font(size)
    for n in range(-1, 3):
        xy = (image.size[0] // 2, image.size[1] * (1 + 2 * n) // 5)
        if hollow and font is not None:
            draw.text(xy, WATERMARK, font=font, fill=0, anchor="mm", stroke_width=2, stroke_fill=255)
        else:
            _text(draw, xy, WATERMARK, size, fill=70, anchor="mm")
    layer = layer.rotate(28, resample=Image.Resampling.BILINEAR, center=(image.size[0] // 2, image.size[1] // 2))
    shade = Image.new("RGB", image.size, (170, 170, 175))
    return Image.composite(shade, image, layer)


def _paper(size: tuple[int, int]) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", size, (250, 249, 245))
    return image, ImageDraw.Draw(image)


# --------------------------------------------------------------------------- the pages


def _form_page(rng: random.Random) -> Image.Image:
    """A filled-in application form: a table of labelled rows, the signature and the unit's seal."""
    image, draw = _paper(PAGE)
    width = PAGE[0]
    labels = ("申请人（单位）名称", "统一社会信用代码/身份证号码", "联系地址", "联系人", "联系电话", "申请事项",
              "申请理由及主要内容")
    top, left, right, middle = 120, 60, width - 60, 290
    y = top
    for label in labels:
        bottom = y + (170 if label == labels[-1] else 52)
        draw.rectangle((left, y, right, bottom), outline=INK, width=2)
        draw.line((middle, y, middle, bottom), fill=INK, width=2)
        _text(draw, (left + 12, y + 16), label, _fit(label, 16, middle - left - 20))
        if label == labels[-1]:
            _bars(draw, rng, middle + 14, y + 18, right - middle - 30, 5, step=28, height=10)
        else:
            draw.rectangle((middle + 14, y + 20, middle + 14 + rng.randint(120, right - middle - 40), y + 32),
                           fill=(60, 60, 110))  # what the applicant wrote, in blue-black ink
        y = bottom
    y += 40
    _text(draw, (left, y), "本人（单位）承诺所填写内容及提交的材料真实、合法、有效。", 17)
    y += 60
    _text(draw, (right - 300, y), "申请人（签章）：", 17)
    draw.line((right - 160, y + 30, right - 20, y + 8), fill=(40, 40, 110), width=3)  # a signature stroke
    _text(draw, (right - 260, y + 50), "年    月    日", 17)
    _seal(draw, (right - 110, y + 30), 58)
    y += 120
    draw.rectangle((left, y, right, y + 150), outline=INK, width=2)
    _text(draw, (left + 12, y + 14), "审核意见（由受理机关填写）：", 16)
    return image


def _document_page(rng: random.Random) -> Image.Image:
    """A page of a report, plan or statement: paragraphs, the issuer's seal and the date."""
    image, draw = _paper(PAGE)
    width = PAGE[0]
    y = 150
    for _ in range(rng.randint(4, 6)):
        y = _bars(draw, rng, 70, y, width - 140, rng.randint(3, 6)) + 16
        if y > PAGE[1] - 260:
            break
    _seal(draw, (width - 170, PAGE[1] - 150), 62)
    draw.rectangle((width - 280, PAGE[1] - 115, width - 80, PAGE[1] - 103), fill=BAR)
    return image


def _certificate_page(rng: random.Random) -> Image.Image:
    """A certificate or licence photographed on a desk: a framed document with its fields and seal."""
    image = Image.new("RGB", (900, 640), (118, 104, 90))  # the desk
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 30, 860, 610), fill=(246, 240, 226))
    draw.rectangle((60, 50, 840, 590), outline=(170, 60, 50), width=6)
    draw.rectangle((72, 62, 828, 578), outline=(170, 60, 50), width=2)
    y = 190
    for label in ("名    称", "类    型", "登记机关", "编    号", "有效期限"):
        _text(draw, (130, y), label, 20)
        draw.rectangle((260, y + 7, 260 + rng.randint(220, 430), y + 19), fill=BAR)
        y += 52
    _seal(draw, (700, 470), 70)
    draw.rectangle((620, 540, 780, 552), fill=BAR)
    return image


def _id_card_page(rng: random.Random) -> Image.Image:
    """Both sides of a resident ID card on one page, as the forms ask; every field greyed out."""
    image, draw = _paper((820, 1000))
    card = (556, 350)
    front, back = (132, 90), (132, 540)
    for x, y in (front, back):
        draw.rounded_rectangle((x, y, x + card[0], y + card[1]), radius=22, fill=(226, 236, 240),
                               outline=(150, 160, 170), width=2)
    x, y = front
    for n, label in enumerate(("姓名", "性别", "出生", "住址")):
        _text(draw, (x + 30, y + 36 + n * 52), label, 18, fill=(70, 110, 140))
        draw.rectangle((x + 90, y + 42 + n * 52, x + 90 + (200 if n != 3 else 250), y + 54 + n * 52), fill=BAR)
    _text(draw, (x + 30, y + 290), "公民身份号码", 18, fill=(70, 110, 140))
    draw.rectangle((x + 170, y + 296, x + 520, y + 310), fill=BAR)
    draw.rectangle((x + 380, y + 40, x + 520, y + 230), fill=(200, 210, 215))  # the photo
    draw.ellipse((x + 415, y + 70, x + 485, y + 150), fill=(120, 125, 130))
    draw.pieslice((x + 390, y + 150, x + 510, y + 290), 180, 360, fill=(120, 125, 130))
    x, y = back
    draw.ellipse((x + 30, y + 30, x + 120, y + 120), outline=SEAL, width=4)  # the emblem
    _text(draw, (x + 330, y + 90), "中华人民共和国", 34, anchor="mm")
    _text(draw, (x + 330, y + 160), "居民身份证", 46, anchor="mm")
    for n, label in enumerate(("签发机关", "有效期限")):
        _text(draw, (x + 90, y + 250 + n * 44), label, 18, fill=(70, 110, 140))
        draw.rectangle((x + 190, y + 256 + n * 44, x + 430, y + 268 + n * 44), fill=BAR)
    return image


def _photo_page(rng: random.Random) -> Image.Image:
    """A two-inch ID photo on white: a figure, no face."""
    image, draw = _paper((390, 567))
    draw.rectangle((0, 0, 390, 567), fill=(252, 252, 252))
    draw.ellipse((125, 90, 265, 260), fill=(95, 90, 88))
    draw.pieslice((45, 270, 345, 640), 180, 360, fill=(45, 50, 70))
    return image


# --------------------------------------------------------------------------- files

LAYOUTS = ("form", "document", "certificate", "id_card", "photo")


def _jpeg(image: Image.Image, quality: int = 55) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def _pdf(image: Image.Image, title: str) -> bytes:
    """An image-only PDF of one page (what a scanner app makes), A4 at PDF_DPI, with fixed dates."""
    out = io.BytesIO()
    jpeg = {} if image.mode == "1" else {"quality": 55, "optimize": True}  # a 1-bit page is CCITT G4 instead
    image.save(out, "PDF", resolution=PDF_DPI, title=title, producer="扫描全能王", creationDate=PDF_DATE,
               modDate=PDF_DATE, **jpeg)
    return out.getvalue()


#: Pages a scanner takes in black and white (small files, as office scanners make them); the rest in colour.
BLACK_AND_WHITE = ("form", "document")


_LAYOUTS = {"form": _form_page, "document": _document_page, "certificate": _certificate_page,
            "id_card": _id_card_page, "photo": _photo_page}
#: Where a layout's title goes: its centre, largest font size, widest width (pixels).
_TITLES = {"form": ((PAGE[0] // 2, 70), 30, PAGE[0] - 120), "document": ((PAGE[0] // 2, 90), 28, PAGE[0] - 120),
           "certificate": ((450, 125), 46, 660)}


@lru_cache(maxsize=2 * len(_LAYOUTS))
def _blank(layout: str, hollow: bool) -> Image.Image:
    """A layout's page without its title, watermarked: drawn once, every title is written on a copy."""
    return _watermark(_LAYOUTS[layout](random.Random(layout)), hollow=hollow)


def page(layout: str, title: str = "", *, blurred: bool = False, hollow: bool = False) -> Image.Image:
    """The drawn page of a material (`layout` one of LAYOUTS) with its title, watermarked.

    `blurred`: a photo too unsharp to read (what an officer returns); `hollow`: the watermark outlined, for a
    page turned black and white.
    """
    image = _blank(layout, hollow).copy()
    if title and layout in _TITLES:
        centre, size, width = _TITLES[layout]
        _text(ImageDraw.Draw(image), centre, title, _fit(title, size, width), anchor="mm")
    if blurred:
        image = image.filter(ImageFilter.GaussianBlur(3.5))
    return image


def _black_and_white(image: Image.Image) -> Image.Image:
    """A 1-bit page, as a scanner's document mode makes it (stored in the PDF as CCITT G4: a few KB)."""
    return image.convert("L").point(lambda v: 255 if v > 190 else 0, mode="1")


@cache
def scan(layout: str, title: str, extension: str, blurred: bool = False) -> bytes:
    """The bytes of a material's file: `extension` "jpg" (a photo of it) or "pdf" (a scan of it).

    Kept once made (the bytes, some 20-60 KB, not the page): many applications send the same material.
    """
    if extension == "pdf" and layout in BLACK_AND_WHITE and not blurred:
        return _pdf(_black_and_white(page(layout, title, hollow=True)), title)
    image = page(layout, title, blurred=blurred)
    return _pdf(image, title) if extension == "pdf" else _jpeg(image)
