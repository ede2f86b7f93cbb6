"""Image files on disk: stored under generated names only, written atomically."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

FILE_NAME = re.compile(r"^[0-9a-f]{32}\.(webp|png|jpg)$")
CONTENT_TYPES = {"webp": "image/webp", "png": "image/png", "jpg": "image/jpeg"}


def new_file_name(extension: str) -> str:
    """A fresh unguessable file name with one of our extensions."""
    extension = extension.lstrip(".").lower()
    extension = "jpg" if extension == "jpeg" else extension
    if extension not in CONTENT_TYPES:
        raise ValueError(f"unsupported media extension {extension!r}")
    return f"{secrets.token_hex(16)}.{extension}"


def write_file(directory: Path, file_name: str, data: bytes) -> Path:
    """Write bytes to directory/file_name via a temporary file and rename (fsync'd)."""
    if not FILE_NAME.fullmatch(file_name):
        raise ValueError("not a generated media file name")
    final = directory / file_name
    temporary = directory / f".{file_name}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, final)
    return final


def content_type(file_name: str) -> str | None:
    """The image content type of a generated file name, or None if it is not one."""
    match = FILE_NAME.fullmatch(file_name)
    return CONTENT_TYPES[match.group(1)] if match else None


def remove_files(directory: Path, names: list[str]) -> None:
    """Unlink stored media files (generated names only; a missing one is already gone)."""
    for name in names:
        if FILE_NAME.fullmatch(name):
            (directory / name).unlink(missing_ok=True)
