"""Uploaded pictures, decoded and drawn again: what the platform serves back is pixels, never the sender's bytes.

A check of the first bytes lets through a GIF with a page of HTML after it,
or a PNG carrying its author's GPS position in its metadata. Pillow decodes
the picture instead (refusing what is not one, or is too big to open safely),
and the platform stores a fresh file written from the pixels alone: nothing
appended, no metadata, the format the content really is.
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageFile, ImageOps

#: What Pillow calls a format -> the extension the re-encoded file is stored under.
WEB_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "png"}  # a GIF is kept as a PNG of its first frame


class ImageRefused(ValueError):
    """The upload is not an acceptable picture; `message` says why, for the person who sent it."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    extension: str
    width: int
    height: int


def _open(data: bytes, name: str, max_pixels: int) -> Image.Image:
    too_many = _l("'%(name)s' has too many pixels to be opened safely; at most %(limit)s are accepted.",
                  name=name, limit="{:,}".format(max_pixels))
    with warnings.catch_warnings():
        # Pillow warns past Image.MAX_IMAGE_PIXELS and raises past twice that: either is a refusal here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            # Only the accepted formats' decoders ever see the bytes: less of Pillow is exposed to them.
            image = Image.open(io.BytesIO(data), formats=list(WEB_FORMATS))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRefused(too_many) from None
        except Exception:  # anything Pillow cannot identify: a text file, a truncated header, an SVG
            raise ImageRefused(_l("'%(name)s' is not a PNG, JPEG or GIF picture: it cannot be read as one.",
                                  name=name)) from None
    return image


def reencode(data: bytes, *, name: str, max_pixels: int = 4_000_000) -> CleanImage:
    """Decode `data` as a PNG, JPEG or GIF picture and return it written again from its pixels.

    JPEG stays JPEG (turned upright, as its EXIF said); the others become PNG.

    :raises ImageRefused: empty, not a PNG, JPEG or GIF picture, over `max_pixels`, or damaged.
    """
    if not data:
        raise ImageRefused(_l("'%(name)s' is empty (0 bytes): it may not have been saved, or not been copied whole. "
                              "Check it opens, then choose it again.", name=name))
    image = _open(data, name, max_pixels)
    with image:
        if image.format not in WEB_FORMATS:  # only their decoders were offered the bytes: never true
            raise ImageRefused(_l("'%(name)s' is not a PNG, JPEG or GIF picture: it cannot be read as one.",
                                  name=name))
        width, height = image.size
        if width * height > max_pixels:  # the header's size, read before a pixel is decoded
            raise ImageRefused(_l("'%(name)s' is %(width)s × %(height)s pixels; at most %(limit)s pixels are "
                                  "accepted.", name=name, width=width, height=height,
                                  limit="{:,}".format(max_pixels)))
        extension = WEB_FORMATS[image.format]
        try:
            # Pillow's switch is process-wide, and WeasyPrint (the evaluation's PDF) turns it on when imported,
            # after which a cut-off file would decode as a half-grey picture: a damaged upload is refused here.
            ImageFile.LOAD_TRUNCATED_IMAGES = False
            image.seek(0)
            image.load()
            upright = ImageOps.exif_transpose(image) if image.format == "JPEG" else image
            pixels = upright.convert("RGB" if extension == "jpg" else "RGBA")
        except Exception:  # a damaged or cut-off file fails only here, when its pixels are decoded
            raise ImageRefused(_l("'%(name)s' is damaged: its picture cannot be read.", name=name)) from None
    # A new image from the raw pixels carries no metadata (EXIF, ICC, text chunks, comments) at all.
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    if extension == "jpg":
        clean.save(out, "JPEG", quality=90, optimize=True)
    else:
        clean.save(out, "PNG", optimize=True)
    return CleanImage(out.getvalue(), extension, *clean.size)
