"""Pictures for upload tests: a real one, and the kinds a server must refuse."""

from __future__ import annotations

import io
import os
import struct
import zlib

from PIL import Image


def picture(width: int = 64, height: int = 48, fmt: str = "PNG", xmp: bytes | None = None) -> bytes:
    """A small picture in `fmt` (with an XMP packet of its own, if given)."""
    out = io.BytesIO()
    image = Image.new("RGB", (width, height), (30, 120, 200))
    image.paste((240, 200, 20), (0, 0, width // 2, height // 2))
    options = {"xmp": xmp} if xmp is not None else {}
    image.save(out, fmt, **options)
    return out.getvalue()


def noise(side: int) -> bytes:
    """A PNG of random pixels (it does not compress: about 3 bytes a pixel)."""
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, "PNG")
    return out.getvalue()


def bomb(side: int = 100_000) -> bytes:
    """A PNG of a few bytes whose header declares side x side pixels."""
    data = bytearray(picture(1, 1))
    # The IHDR chunk: length (4), "IHDR" (4), width, height (4 each), 5 bytes, CRC (4).
    start = data.index(b"IHDR")
    data[start + 4 : start + 12] = struct.pack(">II", side, side)
    body = bytes(data[start : start + 17])
    data[start + 17 : start + 21] = struct.pack(">I", zlib.crc32(body))
    return bytes(data)


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>'
