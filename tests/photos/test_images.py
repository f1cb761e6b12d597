"""What an upload is, judged from its bytes, and what is kept of it (no service: the unit lane)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from chopchop.lib.images import BrokenImage, ImageTooLarge, UnsupportedImage, clean, variant
from tests.photos.samples import GPS, SECRET_COMMENT, jpeg, metadata_of, png, png_header_claiming, webp


@pytest.mark.parametrize("data", [jpeg(), png(), webp((64, 64))], ids=["jpeg", "png", "webp"])
def test_a_clean_image_keeps_the_pixels_and_nothing_else(data: bytes) -> None:
    assert metadata_of(data)[0] == GPS or b"Comment" in data  # the sample carries metadata
    cleaned = clean(data, max_pixels=10_000)
    gps, info = metadata_of(cleaned.data)
    assert gps == {}
    assert not {"exif", "xmp", "icc_profile", "comment", "Comment"} & info.keys()
    assert SECRET_COMMENT not in cleaned.data
    with Image.open(io.BytesIO(cleaned.data)) as image:
        assert image.format == cleaned.format
        assert image.size == (cleaned.width, cleaned.height)


def test_the_exif_orientation_is_applied_before_it_goes() -> None:
    cleaned = clean(jpeg((60, 20), orientation=8), max_pixels=10_000)
    assert (cleaned.width, cleaned.height) == (20, 60)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"%PDF-1.7\n",
        b"BM" + b"\0" * 60,  # a BMP: Pillow reads it, but it is not one of ours
        b"<html>" + jpeg(),
    ],
    ids=["empty", "gif", "svg", "pdf", "bmp", "polyglot"],
)
def test_only_jpeg_png_and_webp_are_opened(data: bytes) -> None:
    with pytest.raises(UnsupportedImage):
        clean(data, max_pixels=10_000)


def test_pixels_are_counted_before_decoding_and_broken_images_are_told_apart() -> None:
    with pytest.raises(ImageTooLarge):
        clean(png_header_claiming(200, 200), max_pixels=10_000)
    with pytest.raises(ImageTooLarge):
        clean(png_header_claiming(100_000, 100_000), max_pixels=10**9)
    with pytest.raises(BrokenImage):
        clean(png_header_claiming(50, 50), max_pixels=10_000)  # its pixel data is too short
    with pytest.raises(BrokenImage):
        clean(jpeg()[:150], max_pixels=10_000)


def test_variants_are_webp_never_enlarged() -> None:
    big = clean(webp((2000, 500)), max_pixels=10**7).data
    with Image.open(io.BytesIO(variant(big, 320))) as image:
        assert (image.format, image.size) == ("WEBP", (320, 80))
    small = clean(png((40, 30)), max_pixels=10**7).data
    with Image.open(io.BytesIO(variant(small, 1280))) as image:
        assert image.size == (40, 30)
