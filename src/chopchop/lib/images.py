"""Photos with Pillow: what an upload is (from its bytes, never its name), its clean re-encoding, and variants.

Only JPEG, PNG and WebP are opened (Pillow is told to try no other decoder). The size in pixels is read from the
header and checked before anything is decoded (a decompression bomb never expands). What is stored is a new image
made from the pixels alone, turned upright by its EXIF orientation first: no EXIF (GPS included), XMP, ICC
profile, comments or text chunks survive.
"""

from __future__ import annotations

import asyncio
import io
import warnings
import weakref
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = ("JPEG", "PNG", "WEBP")
MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
#: The variants made from each photo: their name and longest side, in pixels (never enlarged).
VARIANTS: dict[str, int] = {"thumbnail": 320, "large": 1280}
VARIANT_MEDIA_TYPE = "image/webp"


#: Decoding an image of the largest allowed size holds a few hundred MB for a moment: at most this many at once per
#: process (the others wait their turn), so a burst of uploads or variant jobs cannot exhaust the memory.
DECODE_SLOTS = 2
_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def decode_slot() -> asyncio.Semaphore:
    """This event loop's semaphore of decoding slots (a semaphore belongs to one loop)."""
    loop = asyncio.get_running_loop()
    slot = _slots.get(loop)
    if slot is None:
        slot = _slots[loop] = asyncio.Semaphore(DECODE_SLOTS)
    return slot


class UnsupportedImage(ValueError):
    """Not a JPEG, PNG or WebP image, whatever its name or declared type said."""


class ImageTooLarge(ValueError):
    """More pixels than allowed."""


class BrokenImage(ValueError):
    """A JPEG, PNG or WebP that cannot be decoded (truncated, corrupt)."""


@dataclass(frozen=True, slots=True)
class CleanImage:
    data: bytes
    format: str  # JPEG, PNG or WEBP
    width: int
    height: int

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info)


def _pixels_only(image: Image.Image, *, alpha: bool) -> Image.Image:
    """A new image holding nothing but the pixels (``info``, EXIF and palettes' metadata left behind)."""
    converted = image.convert("RGBA" if alpha else "RGB")
    return Image.frombytes(converted.mode, converted.size, converted.tobytes())


def clean(data: bytes, *, max_pixels: int) -> CleanImage:
    """The upload re-encoded in its own format, upright, without metadata. Raises :class:`UnsupportedImage`,
    :class:`ImageTooLarge` or :class:`BrokenImage`. CPU-bound: run it in a thread."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            opened = Image.open(io.BytesIO(data), formats=FORMATS)
        except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            if isinstance(exc, UnidentifiedImageError):
                raise UnsupportedImage(str(exc)) from exc
            raise ImageTooLarge(str(exc)) from exc
        except (OSError, ValueError, SyntaxError) as exc:
            raise BrokenImage(str(exc)) from exc
        with opened:
            kind = opened.format
            if kind not in FORMATS:  # pragma: no cover - Pillow was told to try only these
                raise UnsupportedImage(str(kind))
            width, height = opened.size
            if width < 1 or height < 1 or width * height > max_pixels:
                msg = f"{width}x{height} pixels; at most {max_pixels} are accepted"
                raise ImageTooLarge(msg)
            try:
                opened.seek(0)  # an animated WebP or APNG: its first frame
                opened.load()
                upright = ImageOps.exif_transpose(opened) or opened
                alpha = kind != "JPEG" and _has_alpha(upright)
                pixels = _pixels_only(upright, alpha=alpha)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
                raise ImageTooLarge(str(exc)) from exc
            except (OSError, ValueError, SyntaxError, EOFError) as exc:
                raise BrokenImage(str(exc)) from exc
    out = io.BytesIO()
    if kind == "JPEG":
        pixels.save(out, "JPEG", quality=90, optimize=True)
    elif kind == "PNG":
        pixels.save(out, "PNG", optimize=False)
    else:
        pixels.save(out, "WEBP", quality=90, method=4)
    return CleanImage(out.getvalue(), kind, pixels.width, pixels.height)


def variant(data: bytes, longest_side: int) -> bytes:
    """A WebP of a clean stored image, its longest side at most ``longest_side``. CPU-bound: run it in a thread."""
    with Image.open(io.BytesIO(data), formats=FORMATS) as source:
        source.load()
        alpha = _has_alpha(source)
        image = source.convert("RGBA" if alpha else "RGB")
    image.thumbnail((longest_side, longest_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "WEBP", quality=80, method=4)
    return out.getvalue()
