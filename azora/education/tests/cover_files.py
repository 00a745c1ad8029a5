"""Real image files for cover tests, drawn with Pillow (a gradient, so resizing and cropping have pixels to keep)."""

from __future__ import annotations

import io

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def image_bytes(*, width: int = 1600, height: int = 1000, fmt: str = "PNG", with_gps: bool = False) -> bytes:
    """An RGB image in `fmt` (PNG, JPEG, WEBP, GIF); `with_gps` adds EXIF with a camera make and a GPS position."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    out = io.BytesIO()
    if with_gps:
        exif = Image.Exif()
        exif[MAKE] = "Azora Test Camera"
        exif.get_ifd(GPS_IFD).update({1: "S", 2: (33.0, 55.0, 0.0), 3: "E", 4: (18.0, 25.0, 0.0)})
        image.save(out, fmt, exif=exif)
    else:
        image.save(out, fmt)
    return out.getvalue()


def opened(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image
