"""Mastodon.py, a real client library, against a running server: app registration, the code
flow (out of band, and with PKCE and a redirect URI), verify_credentials, revocation, and a
token from `impasto token create`."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import requests
from mastodon import Mastodon, MastodonAPIError, MastodonUnauthorizedError

from tests.support.databases import backends
from tests.support.live import OOB, Live, consent, start_live
from tests.support.oauth import pkce
from tests.support.servers import run_cli

SCOPES = ["read", "write", "follow", "push"]


@pytest.fixture(scope="module", params=backends())
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    """One server for the module."""
    yield from start_live(request, tmp_path_factory.mktemp("mastodon_py"))


def test_create_app_and_log_in_with_an_out_of_band_code(live: Live) -> None:
    client_id, client_secret = Mastodon.create_app(
        "Impasto test", scopes=SCOPES, redirect_uris=OOB, api_base_url=live.base
    )
    api = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=live.base)
    url = api.auth_request_url(redirect_uris=OOB, scopes=SCOPES, allow_http=True)
    assert url.startswith(f"{live.base}/oauth/authorize?")
    code = consent(live.base, url)
    token = api.log_in(code=code, redirect_uri=OOB, scopes=SCOPES, allow_http=True)
    assert token and api.access_token == token
    me = api.account_verify_credentials()
    assert me["username"] == "alice" and me["acct"] == "alice"
    assert me["source"]["privacy"] == "public"
    assert api.app_verify_credentials()["name"] == "Impasto test"
    api.revoke_access_token(allow_http=True)
    with pytest.raises(MastodonUnauthorizedError):
        api.account_verify_credentials()


def test_the_code_flow_with_pkce_and_a_redirect_uri(live: Live) -> None:
    redirect = "http://127.0.0.1:9/callback"  # never visited: the test reads the Location
    client_id, client_secret = Mastodon.create_app(
        "PKCE app", scopes=["read"], redirect_uris=[redirect, OOB], api_base_url=live.base
    )
    api = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=live.base)
    verifier, challenge = pkce()
    url = api.auth_request_url(redirect_uris=redirect, scopes=["read"], state="s1", allow_http=True)
    url += "&" + urlencode({"code_challenge": challenge, "code_challenge_method": "S256"})
    location = consent(live.base, url)
    assert location.startswith(f"{redirect}?")
    answer = dict(parse_qsl(urlsplit(location).query))
    assert answer["state"] == "s1"
    exchange = {
        "grant_type": "authorization_code",
        "code": answer["code"],
        "redirect_uri": redirect,
        "client_id": client_id,
        "client_secret": client_secret,
    }
    missing = requests.post(f"{live.base}/oauth/token", data=exchange, timeout=10)
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_grant"
    token = requests.post(
        f"{live.base}/oauth/token", data={**exchange, "code_verifier": verifier}, timeout=10
    ).json()
    assert token["scope"] == "read" and token["token_type"] == "Bearer"
    user = Mastodon(access_token=token["access_token"], api_base_url=live.base)
    assert user.account_verify_credentials()["username"] == "alice"
    replay = requests.post(
        f"{live.base}/oauth/token", data={**exchange, "code_verifier": verifier}, timeout=10
    )
    assert replay.json()["error"] == "invalid_grant"
    with pytest.raises(MastodonUnauthorizedError):  # the replay revoked the token
        user.account_verify_credentials()


def test_a_token_from_the_command_line(live: Live) -> None:
    token = run_cli(live.config, "token", "create", "alice", "--scopes", "read").strip()
    api = Mastodon(access_token=token, api_base_url=live.base)
    assert api.account_verify_credentials()["username"] == "alice"
    assert api.app_verify_credentials()["scopes"] == ["read"]
    narrow = run_cli(live.config, "token", "create", "alice", "--scopes", "write:statuses")
    with pytest.raises(MastodonAPIError) as refused:
        Mastodon(access_token=narrow.strip(), api_base_url=live.base).account_verify_credentials()
    assert "outside the authorized scopes" in str(refused.value)


def test_the_server_metadata_is_what_mastodon_py_reads(live: Live) -> None:
    info = Mastodon(api_base_url=live.base).oauth_authorization_server_info()
    assert info["code_challenge_methods_supported"] == ["S256"]
    assert info["token_endpoint"] == f"{live.base}/oauth/token"
