"""Helpers for sign-in and OAuth tests: CSRF tokens from pages, PKCE pairs, cookies, and the
rows where secrets could leak."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from html import unescape
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from quart.typing import TestClientProtocol as Client
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from fedi.core.services import Services

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
        rows = (await session.execute(text(f"SELECT * FROM {table}"))).all()
        chunks.extend(str(value) for row in rows for value in row)
    return "\n".join(chunks)


Pair = tuple[Client, Services]  # the in-process app's test client and its services


def peer(address: str) -> dict[str, object]:
    """The ASGI scope of a request from `address`."""
    return {"client": (address, 40000)}


async def page(http: Client, path: str, **kw: object) -> str:
    """GET a page that must answer 200; its HTML."""
    response = await http.get(path, **kw)  # type: ignore[arg-type]
    assert response.status_code == 200, path
    return await response.get_data(as_text=True)


async def sign_in(
    http: Client, username: str = "alice", password: str = PASSWORD, **kw: object
) -> Any:
    """Fill in and send the sign-in form (from a fresh copy of it); the response."""
    token = csrf_of(await page(http, "/auth/sign_in?force=1", **kw))
    form = {"username": username, "password": password, "csrf_token": token}
    return await http.post("/auth/sign_in", form=form, **kw)  # type: ignore[arg-type]


def jar_value(http: Client, name: str) -> str | None:
    """A cookie's value in the test client's jar."""
    jar = http.cookie_jar or []
    return next((cookie.value for cookie in jar if cookie.name == name), None)


async def whoami(http: Client) -> str | None:
    """Who the front page says is signed in (alice or no one)."""
    html = await page(http, "/")
    return "alice" if "@alice" in html and "Sign out" in html else None


HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')
REDIRECT = "https://client.example/callback"


async def register_app(http: Client, **fields: Any) -> dict[str, Any]:
    """POST /api/v1/apps (JSON); the CredentialApplication."""
    body = {"client_name": "Test app", "redirect_uris": REDIRECT, "scopes": "read write"}
    response = await http.post("/api/v1/apps", json={**body, **fields})
    assert response.status_code == 200, await response.get_data(as_text=True)
    return dict(await response.get_json())


def consent_form(html: str) -> dict[str, str]:
    """The hidden fields (CSRF token included) of the consent page's form."""
    return {name: unescape(value) for name, value in HIDDEN.findall(html)}


async def authorize(
    http: Client, app: dict[str, Any], decision: str = "authorize", **query: str
) -> Any:
    """Open the consent page as the signed-in browser and answer it; the response."""
    params = {
        "client_id": app["client_id"],
        "redirect_uri": app["redirect_uris"][0],
        "response_type": "code",
        "scope": "read",
        **query,
    }
    html = await page(http, f"/oauth/authorize?{urlencode(params)}")
    return await http.post("/oauth/authorize", form={**consent_form(html), "decision": decision})


def redirected_query(response: Any) -> dict[str, str]:
    """The query of the Location a response sends the browser to."""
    assert response.status_code == 302, response.status_code
    return dict(parse_qsl(urlsplit(response.headers["Location"]).query))
