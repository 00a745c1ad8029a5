"""Course cover images: decoding an upload with Pillow, its metadata-free copy, and the WebP variants pages show.

A cover is stored as a folder `education/covers/<course id>/<random>/` holding `original.<png|jpg|webp>` (the
upload re-encoded without EXIF/GPS/XMP, kept for editors and downloads) and two 16:9 WebP variants: `card.webp`
(640x360, catalogue cards) and `hero.webp` (1280x720, the course page and the larger srcset candidate). Covers
stored before variants existed are single files `education/covers/<course id>/<random>.<ext>`; pages fall back to
them until `create_cover_variants` moves them into the folder layout.
"""

from __future__ import annotations

import io
import posixpath
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from azora.education.errors import CoverImageTooLarge, InvalidUpload

__all__ = [
    "COVER_VARIANTS",
    "MAX_COVER_BYTES",
    "MAX_COVER_PIXELS",
    "CoverFiles",
    "cover_files_from_upload",
    "cover_folder_paths",
    "cover_variant_paths",
]

MAX_COVER_BYTES = 2 * 1024 * 1024
# 40 megapixels is above any phone camera a 2 MiB upload comes from, and far below what a compressed "bomb" (a
# small PNG of a huge blank canvas) would need to exhaust memory: ~160 MB of RGBA at most while resizing.
MAX_COVER_PIXELS = 40_000_000
# Pillow's own guard (a warning above the limit, an error above twice it) is set to ours for every decode in the
# process; covers are the only images Azora decodes, and the warning is turned into a refusal below.
Image.MAX_IMAGE_PIXELS = MAX_COVER_PIXELS
# name -> (width, height); both 16:9 so one `sizes` attribute serves the pair.
COVER_VARIANTS: dict[str, tuple[int, int]] = {"card": (640, 360), "hero": (1280, 720)}
WEBP_QUALITY = 80
ORIGINAL_NAME = "original"
# Pillow format name -> the extension the original is stored under.
ACCEPTED_FORMATS: dict[str, str] = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
ORIENTATION_TAG = 0x0112


@dataclass(frozen=True, slots=True)
class CoverFiles:
    """What one upload becomes: the cleaned original (with its extension) and the encoded variants by name."""

    original: bytes
    extension: str
    variants: dict[str, bytes]


def _decode(content: bytes) -> Image.Image:
    if len(content) == 0 or len(content) > MAX_COVER_BYTES:
        raise InvalidUpload(f"A cover image must be between 1 byte and {MAX_COVER_BYTES // (1024 * 1024)} MiB.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content), formats=tuple(ACCEPTED_FORMATS))
            # The header is read; refuse huge canvases before a single pixel is decoded.
            if image.width * image.height > MAX_COVER_PIXELS:
                raise CoverImageTooLarge()
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise CoverImageTooLarge() from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        # Not an image, another format, or a truncated/corrupt file: Pillow's decoders raise these.
        raise InvalidUpload("A cover image must be a PNG, JPEG or WebP file.") from error
    return image


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in {"RGBA", "LA", "PA", "La", "RGBa"} or "transparency" in image.info


def _clean_original(image: Image.Image, oriented: Image.Image) -> bytes:
    """The upload re-encoded in its own format without metadata (the ICC profile stays: it is colour, not privacy)."""
    out = io.BytesIO()
    icc = image.info.get("icc_profile")
    extra = {"icc_profile": icc} if icc else {}
    if image.format == "JPEG":
        if image.getexif().get(ORIENTATION_TAG, 1) == 1:
            # Same pixels: reuse the file's quantisation tables, so the copy loses no quality.
            image.save(out, "JPEG", quality="keep", subsampling="keep", **extra)
        else:
            oriented.convert("RGB" if oriented.mode not in {"L", "CMYK"} else oriented.mode).save(
                out, "JPEG", quality=92, **extra
            )
    elif image.format == "PNG":
        oriented.save(out, "PNG", optimize=True, **extra)
    else:
        oriented.save(out, "WEBP", quality=90, **extra)
    return out.getvalue()


def _variant(oriented: Image.Image, size: tuple[int, int]) -> bytes:
    mode = "RGBA" if _has_alpha(oriented) else "RGB"
    # Cover-crop: scale to fill the 16:9 box and cut the overflow, centred.
    fitted = ImageOps.fit(oriented.convert(mode), size, method=Image.Resampling.LANCZOS)
    out = io.BytesIO()
    fitted.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
    return out.getvalue()


def cover_files_from_upload(content: bytes) -> CoverFiles:
    """Decode an upload and produce its stored files; raises InvalidUpload or CoverImageTooLarge, writing nothing."""
    image = _decode(content)
    fmt = image.format or ""
    if fmt not in ACCEPTED_FORMATS:  # pragma: no cover -- Image.open was limited to these formats
        raise InvalidUpload("A cover image must be a PNG, JPEG or WebP file.")
    # Phones store rotation as an EXIF tag; apply it to the pixels, since every stored copy drops EXIF.
    oriented = ImageOps.exif_transpose(image)
    return CoverFiles(
        original=_clean_original(image, oriented),
        extension=ACCEPTED_FORMATS[fmt],
        variants={name: _variant(oriented, size) for name, size in COVER_VARIANTS.items()},
    )


def cover_folder_paths(folder: str, extension: str) -> dict[str, str]:
    """The stored paths of a cover folder: `original` and one per variant."""
    paths = {ORIGINAL_NAME: f"{folder}/{ORIGINAL_NAME}.{extension}"}
    paths.update({name: f"{folder}/{name}.webp" for name in COVER_VARIANTS})
    return paths


def cover_variant_paths(path: str) -> dict[str, str] | None:
    """The variant paths next to a stored original, or None for a cover stored before variants (single file)."""
    folder, name = posixpath.split(path)
    stem, _, extension = name.partition(".")
    if stem != ORIGINAL_NAME or not folder:
        return None
    if not extension:
        return None
    return {variant: f"{folder}/{variant}.webp" for variant in COVER_VARIANTS}
