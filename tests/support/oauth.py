"""Helpers for sign-in and OAuth tests: CSRF tokens from pages, PKCE pairs, cookies, and the
rows where secrets could leak."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from http.cookies import SimpleCookie

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(page: str) -> str:
    """The CSRF token of the first form on a page."""
    found = CSRF.search(page)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


def pkce() -> tuple[str, str]:
    """A PKCE verifier and its S256 challenge (RFC 7636 §4.1-4.2)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def set_cookies(headers: list[str]) -> dict[str, dict[str, str | bool]]:
    """Set-Cookie headers parsed: name -> attributes (value under 'value')."""
    found: dict[str, dict[str, str | bool]] = {}
    for header in headers:
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            attributes: dict[str, str | bool] = {"value": morsel.value}
            lowered = header.lower()
            attributes["httponly"] = "httponly" in lowered
            attributes["secure"] = "; secure" in lowered
            attributes["samesite"] = str(morsel["samesite"])
            found[name] = attributes
    return found


async def all_text(session: AsyncSession, tables: list[str]) -> str:
    """Every value of every row of these tables, as one string (to look for leaked secrets)."""
    chunks = []
    for table in tables:
        rows = (await session.execute(text(f"SELECT * FROM {table}"))).all()  # noqa: S608
        chunks.extend(str(value) for row in rows for value in row)
    return "\n".join(chunks)
