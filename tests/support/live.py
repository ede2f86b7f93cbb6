"""One running `impasto serve` per test module (per database backend), with alice, who has a
password, and a browser-like HTTP session that signs in and consents on the real pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import requests

from tests.support.databases import DatabaseFactory
from tests.support.oauth import PASSWORD, consent_form, csrf_of, pkce
from tests.support.servers import Server, free_port, run_cli, write_config

OOB = "urn:ietf:wg:oauth:2.0:oob"


@dataclass
class Live:
    """A running server and its config file."""

    server: Server
    config: Path

    @property
    def base(self) -> str:
        """Base URL."""
        return self.server.base


def start_live(
    request: pytest.FixtureRequest, tmp: Path, **overrides: dict[str, Any]
) -> Iterator[Live]:
    """Start a server on a fresh database of the requested backend (its config changed by
    `overrides`, section by section); stop it afterwards."""
    factory = DatabaseFactory(request.param, tmp)
    port = free_port()
    url = factory.new_url()
    config = write_config(tmp / "config.toml", port=port, database_url=url, **overrides)
    run_cli(config, "init")
    run_cli(config, "user", "create", "alice", "--password", PASSWORD)
    server = Server(config, port, tmp / "server.log").start()
    try:
        yield Live(server, config)
    finally:
        server.stop()
        factory.drop_all()


def authorize_url(
    base: str, client_id: str, redirect_uri: str, scope: str, **extra: str
) -> tuple[str, str]:
    """An app's /oauth/authorize URL with a fresh PKCE challenge (and any `extra` parameter,
    a state), and the verifier that goes with it."""
    verifier, challenge = pkce()
    query = {
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": scope,
        **extra,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return f"{base}/oauth/authorize?{urlencode(query)}", verifier


def consent(base: str, authorize_url: str, *, decision: str = "authorize") -> str:
    """Open an authorize URL in a fresh cookie session, sign in as alice, answer the consent
    form; returns where the server sends the browser (or, out of band, the code page)."""
    browser = requests.Session()
    sign_in_page = browser.get(authorize_url, timeout=10)
    assert urlsplit(sign_in_page.url).path == "/auth/sign_in", sign_in_page.url
    form = {
        "csrf_token": csrf_of(sign_in_page.text),
        "next": dict(parse_qsl(urlsplit(sign_in_page.url).query))["next"],
        "username": "alice",
        "password": PASSWORD,
    }
    consent_page = browser.post(f"{base}/auth/sign_in", data=form, timeout=10)
    assert consent_page.status_code == 200 and "Authorize" in consent_page.text
    answer = browser.post(
        f"{base}/oauth/authorize",
        data={**consent_form(consent_page.text), "decision": decision},
        allow_redirects=False,
        timeout=10,
    )
    if answer.status_code == 302:
        return answer.headers["Location"]
    found = re.search(r'id="code" class="code" value="([^"]+)"', answer.text)
    assert found, answer.text
    return found.group(1)
