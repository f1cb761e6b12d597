"""Sample images as people upload them: with a GPS position, an orientation and comments in their metadata."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo

GPS = {1: "N", 2: (52.0, 22.0, 1.0), 3: "E", 4: (4.0, 53.0, 2.0)}
SECRET_COMMENT = b"taken at my home address"


def jpeg(size: tuple[int, int] = (64, 32), *, orientation: int | None = None) -> bytes:
    """A JPEG with an EXIF GPS position, an orientation and a comment: what a phone's photo carries."""
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = GPS
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, "JPEG", exif=exif, comment=SECRET_COMMENT)
    return out.getvalue()


def png(size: tuple[int, int] = (48, 48)) -> bytes:
    out = io.BytesIO()
    info = PngInfo()
    info.add_text("Comment", SECRET_COMMENT.decode())
    Image.new("RGBA", size, (0, 120, 0, 128)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def webp(size: tuple[int, int] = (2000, 1000)) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = GPS
    out = io.BytesIO()
    Image.new("RGB", size, (10, 10, 200)).save(out, "WEBP", exif=exif)
    return out.getvalue()


def png_header_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels (a decompression bomb's shape)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 1024)) + chunk(b"IEND", b"")
    )


def metadata_of(data: bytes) -> tuple[dict[Any, Any], dict[str, Any]]:
    with Image.open(io.BytesIO(data)) as image:
        gps: dict[Any, Any] = dict(image.getexif().get_ifd(ExifTags.IFD.GPSInfo))
        return gps, {str(key): value for key, value in image.info.items()}
