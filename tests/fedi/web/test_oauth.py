"""OAuth 2 as Mastodon speaks it, in-process: apps, the authorize page, codes, tokens, scopes,
revocation, CORS and the server metadata, with a negative test per rule."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from sqlalchemy import update

from storage.auth_models import OAuthCode
from storage.timeutil import utcnow
from tests.support.oauth import (
    REDIRECT,
    Pair,
    all_text,
    authorize,
    consent_form,
    page,
    pkce,
    redirected_query,
    register_app,
    sign_in,
)

Client = Any
APP_KEYS = {"id", "name", "website", "scopes", "redirect_uri", "redirect_uris", "vapid_key"}


async def token_for(http: Client, app: dict[str, Any], code: str, **extra: str) -> Any:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
        "redirect_uri": app["redirect_uris"][0],
        **extra,
    }
    return await http.post("/oauth/token", form=form)


async def me(http: Client, token: str) -> Any:
    return await http.get(
        "/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {token}"}
    )


async def signed_in(site: Pair) -> Client:
    http, _ = site
    assert (await sign_in(http)).status_code == 303
    return http


async def code_of(http: Client, app: dict[str, Any], **query: str) -> str:
    return redirected_query(await authorize(http, app, **query))["code"]


async def test_apps_register_by_form_and_json_with_lists_custom_schemes_and_oob(
    site: Pair,
) -> None:
    http, _ = site
    uris = ["com.example.app:/oauth", "urn:ietf:wg:oauth:2.0:oob", REDIRECT]
    by_json = await register_app(http, redirect_uris=uris, website="https://app.example")
    assert set(by_json) == APP_KEYS | {"client_id", "client_secret", "client_secret_expires_at"}
    assert by_json["redirect_uris"] == uris and by_json["redirect_uri"] == "\n".join(uris)
    assert by_json["scopes"] == ["read", "write"] and by_json["client_secret_expires_at"] == 0
    assert isinstance(by_json["id"], str) and by_json["website"] == "https://app.example"
    form = {"client_name": "Formy", "redirect_uris": "\n".join(uris[:2])}
    by_form = await (await http.post("/api/v1/apps", form=form)).get_json()
    assert by_form["redirect_uris"] == uris[:2] and by_form["scopes"] == ["read"]


@pytest.mark.parametrize(
    "fields",
    [
        {"scopes": "read admin:write"},
        {"scopes": "telepathy"},
        {"redirect_uris": "not a uri"},
        {"redirect_uris": "javascript:alert(1)"},
        {"redirect_uris": "https://client.example/cb#fragment"},
        {"redirect_uris": ""},
        {"client_name": ""},
    ],
)
async def test_apps_refuse_what_mastodon_refuses(site: Pair, fields: dict[str, str]) -> None:
    http, _ = site
    body = {"client_name": "x", "redirect_uris": REDIRECT, **fields}
    response = await http.post("/api/v1/apps", json=body)
    assert response.status_code == 422
    assert (await response.get_json())["error"].startswith("Validation failed: ")


async def test_app_verify_credentials_with_a_client_credentials_token(site: Pair) -> None:
    http, _ = site
    app = await register_app(http)
    form = {"grant_type": "client_credentials", "scope": "read"}
    basic = base64.b64encode(f"{app['client_id']}:{app['client_secret']}".encode()).decode()
    response = await http.post(
        "/oauth/token", form=form, headers={"Authorization": f"Basic {basic}"}
    )
    token = await response.get_json()
    assert set(token) == {"access_token", "token_type", "scope", "created_at"}
    assert token["token_type"] == "Bearer" and token["scope"] == "read"
    assert isinstance(token["created_at"], int)
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    shown = await (await http.get("/api/v1/apps/verify_credentials", headers=auth)).get_json()
    assert set(shown) == APP_KEYS and shown["name"] == "Test app"
    # An app-only token acts for no user.
    answer = await me(http, token["access_token"])
    assert answer.status_code == 422
    assert (await answer.get_json())["error"] == "This method requires an authenticated user"


async def test_authorize_asks_to_sign_in_first_then_shows_the_consent_page(site: Pair) -> None:
    http, _ = site
    app = await register_app(http, client_name="Tusky")
    query = {
        "client_id": app["client_id"],
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": "read write",
        "state": "xyz",
    }
    first = await http.get(f"/oauth/authorize?{urlencode(query)}")
    assert first.status_code == 302
    to_sign_in = urlsplit(first.headers["Location"])
    assert to_sign_in.path == "/auth/sign_in"
    back = dict(parse_qsl(to_sign_in.query))["next"]
    assert back.startswith("/oauth/authorize?")
    html = await page(http, f"/auth/sign_in?{to_sign_in.query}")
    form = {**consent_form(html), "username": "alice", "password": "correct horse battery"}
    signed = await http.post("/auth/sign_in", form=form)
    assert signed.status_code == 303 and signed.headers["Location"] == back
    consent = await page(http, back)
    assert "Authorize Tusky?" in consent and "@alice@" in consent
    assert "read" in consent and "write" in consent and ">Authorize</button>" in consent
    answer = redirected_query(
        await http.post("/oauth/authorize", form={**consent_form(consent), "decision": "authorize"})
    )
    assert answer["state"] == "xyz" and answer["code"]


async def test_the_code_flow_with_pkce(site: Pair) -> None:
    http = await signed_in(site)
    app = await register_app(http)
    verifier, challenge = pkce()
    code = await code_of(http, app, code_challenge=challenge, code_challenge_method="S256")
    response = await token_for(http, app, code, code_verifier=verifier)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    token = await response.get_json()
    account = await (await me(http, token["access_token"])).get_json()
    assert account["username"] == "alice" and account["acct"] == "alice"
    assert isinstance(account["id"], str) and account["source"]["privacy"] == "public"
    for key in (
        "display_name",
        "locked",
        "bot",
        "discoverable",
        "group",
        "created_at",
        "note",
        "url",
        "uri",
        "avatar",
        "avatar_static",
        "header",
        "header_static",
        "followers_count",
        "following_count",
        "statuses_count",
        "last_status_at",
        "emojis",
        "fields",
    ):
        assert key in account, key


@pytest.mark.parametrize("verifier", [None, "", "x" * 43, "too-short"])
async def test_a_wrong_or_missing_pkce_verifier_gets_no_token(
    site: Pair, verifier: str | None
) -> None:
    http = await signed_in(site)
    app = await register_app(http)
    _, challenge = pkce()
    code = await code_of(http, app, code_challenge=challenge, code_challenge_method="S256")
    extra = {} if verifier is None else {"code_verifier": verifier}
    response = await token_for(http, app, code, **extra)
    assert response.status_code == 400
    assert (await response.get_json())["error"] == "invalid_grant"


async def test_a_verifier_without_a_challenge_is_refused(site: Pair) -> None:
    http = await signed_in(site)
    app = await register_app(http)
    code = await code_of(http, app)
    response = await token_for(http, app, code, code_verifier=pkce()[0])
    assert (await response.get_json())["error"] == "invalid_grant"


async def test_only_s256_challenges(site: Pair) -> None:
    http = await signed_in(site)
    app = await register_app(http)
    query = {
        "client_id": app["client_id"],
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "code_challenge": pkce()[1],
        "code_challenge_method": "plain",
        "state": "s",
    }
    answer = redirected_query(await http.get(f"/oauth/authorize?{urlencode(query)}"))
    assert answer["error"] == "invalid_request" and answer["state"] == "s"


async def test_a_code_works_once_and_its_replay_revokes_the_token(site: Pair) -> None:
    http = await signed_in(site)
    app = await register_app(http)
    code = await code_of(http, app)
    token = (await (await token_for(http, app, code)).get_json())["access_token"]
    assert (await me(http, token)).status_code == 200
    again = await token_for(http, app, code)
    assert again.status_code == 400 and (await again.get_json())["error"] == "invalid_grant"
    assert (await me(http, token)).status_code == 401


async def test_an_expired_code_is_refused(site: Pair) -> None:
    http, svc = site
    await signed_in(site)
    app = await register_app(http)
    code = await code_of(http, app)
    async with svc.sessions.begin() as session:
        await session.execute(update(OAuthCode).values(expires_at=utcnow()))
    response = await token_for(http, app, code)
    assert (await response.get_json())["error"] == "invalid_grant"


async def test_a_code_from_another_app_is_refused(site: Pair) -> None:
    http = await signed_in(site)
    app, other = await register_app(http), await register_app(http)
    code = await code_of(http, app)
    response = await token_for(http, other, code)
    assert (await response.get_json())["error"] == "invalid_grant"


async def test_a_redirect_uri_not_registered_is_shown_not_followed(site: Pair) -> None:
    http = await signed_in(site)
    app = await register_app(http)
    query = {
        "client_id": app["client_id"],
        "redirect_uri": "https://evil.example/cb",
        "response_type": "code",
    }
    response = await http.get(f"/oauth/authorize?{urlencode(query)}")
    assert response.status_code == 400 and "Location" not in response.headers
    assert "invalid_redirect_uri" in await response.get_data(as_text=True)
    # The code is bound to the redirect URI it was issued for.
    other = await register_app(http, redirect_uris=[REDIRECT, "https://client.example/other"])
    code = await code_of(http, other)
    wrong = await token_for(http, other, code, redirect_uri="https://client.example/other")
    assert (await wrong.get_json())["error"] == "invalid_grant"


async def test_an_unknown_client_is_shown_not_followed(site: Pair) -> None:
    http = await signed_in(site)
    query = {"client_id": "nope", "redirect_uri": REDIRECT, "response_type": "code"}
    response = await http.get(f"/oauth/authorize?{urlencode(query)}")
    assert response.status_code == 401 and "Location" not in response.headers


@pytest.mark.parametrize("scope", ["read admin:read", "write", "bogus"])
async def test_scopes_beyond_the_app_or_unknown_are_refused_at_authorize(
    site: Pair, scope: str
) -> None:
    http = await signed_in(site)
    app = await register_app(http, scopes="read")
    query = {
        "client_id": app["client_id"],
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": scope,
        "state": "st",
    }
    answer = redirected_query(await http.get(f"/oauth/authorize?{urlencode(query)}"))
    assert answer["error"] == "invalid_scope" and answer["state"] == "st"


@pytest.mark.parametrize(
    ("scopes", "status"),
    [
        ("read", 200),
        ("read:accounts", 200),
        ("profile", 200),
        ("write", 403),
        ("follow", 403),
        ("read:statuses", 403),
        ("push", 403),
    ],
)
async def test_a_token_does_only_what_its_scopes_allow(
    site: Pair, scopes: str, status: int
) -> None:
    http = await signed_in(site)
    app = await register_app(http, scopes=scopes)
    code = await code_of(http, app, scope=scopes)
    token = await (await token_for(http, app, code)).get_json()
    assert token["scope"] == scopes
    response = await me(http, token["access_token"])
    assert response.status_code == status
    if status == 403:
        assert (await response.get_json())[
            "error"
        ] == "This action is outside the authorized scopes"


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer not-a-token", "Basic abc"])
async def test_a_missing_or_bad_token_gets_401(site: Pair, header: str | None) -> None:
    http, _ = site
    headers = {} if header is None else {"Authorization": header}
    response = await http.get("/api/v1/accounts/verify_credentials", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert (await response.get_json())["error"] == "The access token is invalid"


async def test_revoking_a_token(site: Pair) -> None:
    http = await signed_in(site)
    app, other = await register_app(http), await register_app(http)
    token = (await (await token_for(http, app, await code_of(http, app))).get_json())[
        "access_token"
    ]
    stranger = {
        "client_id": other["client_id"],
        "client_secret": other["client_secret"],
        "token": token,
    }
    refused = await http.post("/oauth/revoke", form=stranger)
    assert (
        refused.status_code == 403 and (await refused.get_json())["error"] == "unauthorized_client"
    )
    assert (await me(http, token)).status_code == 200
    owner = {"client_id": app["client_id"], "client_secret": app["client_secret"], "token": token}
    done = await http.post("/oauth/revoke", json=owner)
    assert done.status_code == 200 and await done.get_json() == {}
    gone = await me(http, token)
    assert gone.status_code == 401
    assert (await gone.get_json())["error"] == "The access token was revoked"
    unknown = await http.post("/oauth/revoke", form={**owner, "token": "unknown"})
    assert unknown.status_code == 200


@pytest.mark.parametrize("how", ["body", "basic", "missing"])
async def test_a_wrong_client_secret_is_invalid_client(site: Pair, how: str) -> None:
    http = await signed_in(site)
    app = await register_app(http)
    code = await code_of(http, app)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": app["client_id"],
    }
    headers = {}
    if how == "body":
        form["client_secret"] = "wrong"
    elif how == "basic":
        basic = base64.b64encode(f"{app['client_id']}:wrong".encode()).decode()
        headers["Authorization"] = f"Basic {basic}"
    response = await http.post("/oauth/token", form=form, headers=headers)
    assert response.status_code == 401
    body = await response.get_json()
    assert body["error"] == "invalid_client" and body["error_description"]
    # The code was not spent by the failed attempt.
    assert (await token_for(http, app, code)).status_code == 200


async def test_the_token_endpoint_takes_json_too(site: Pair) -> None:
    http = await signed_in(site)
    app = await register_app(http)
    body = {
        "grant_type": "authorization_code",
        "code": await code_of(http, app),
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
        "redirect_uri": REDIRECT,
    }
    assert (await http.post("/oauth/token", json=body)).status_code == 200
    odd = await http.post("/oauth/token", json={**body, "grant_type": "password"})
    assert odd.status_code == 400 and (await odd.get_json())["error"] == "unsupported_grant_type"


@pytest.mark.parametrize("token", [None, "forged"])
async def test_consent_without_a_valid_csrf_token_changes_nothing(
    site: Pair, token: str | None
) -> None:
    http, svc = site
    await signed_in(site)
    app = await register_app(http)
    query = {"client_id": app["client_id"], "redirect_uri": REDIRECT, "response_type": "code"}
    form = consent_form(await page(http, f"/oauth/authorize?{urlencode(query)}"))
    form.pop("csrf_token")
    if token is not None:
        form["csrf_token"] = token
    response = await http.post("/oauth/authorize", form={**form, "decision": "authorize"})
    assert response.status_code == 403 and "Location" not in response.headers
    async with svc.reads() as session:
        assert await all_text(session, ["oauth_codes", "oauth_tokens"]) == ""


async def test_consent_from_another_browser_is_refused(site: Pair) -> None:
    http = await signed_in(site)
    app = await register_app(http)
    query = {"client_id": app["client_id"], "redirect_uri": REDIRECT, "response_type": "code"}
    form = consent_form(await page(http, f"/oauth/authorize?{urlencode(query)}"))
    stranger = http.app.test_client()
    await sign_in(stranger)  # alice in another browser: its own CSRF seed
    response = await stranger.post("/oauth/authorize", form={**form, "decision": "authorize"})
    assert response.status_code == 403


async def test_denying_goes_back_with_access_denied(site: Pair) -> None:
    http = await signed_in(site)
    app = await register_app(http)
    answer = redirected_query(await authorize(http, app, decision="deny", state="q"))
    assert answer == {
        "error": "access_denied",
        "state": "q",
        "error_description": answer["error_description"],
    }


async def test_out_of_band_shows_the_code(site: Pair) -> None:
    http = await signed_in(site)
    app = await register_app(http, redirect_uris="urn:ietf:wg:oauth:2.0:oob")
    response = await authorize(http, app)
    assert response.status_code == 200
    html = await response.get_data(as_text=True)
    code = html.split('id="code" class="code" value="')[1].split('"')[0]
    assert (await token_for(http, app, code)).status_code == 200


async def test_the_consent_page_lets_the_form_go_on_to_the_client(site: Pair) -> None:
    http = await signed_in(site)
    app = await register_app(http, redirect_uris=["com.example.app:/oauth", REDIRECT])
    for uri, source in (
        ("com.example.app:/oauth", "com.example.app:"),
        (REDIRECT, "https://client.example"),
    ):
        query = {"client_id": app["client_id"], "redirect_uri": uri, "response_type": "code"}
        response = await http.get(f"/oauth/authorize?{urlencode(query)}")
        csp = response.headers["Content-Security-Policy"]
        assert f"form-action 'self' {source};" in csp and "unsafe-inline" not in csp
    custom = await authorize(http, app, redirect_uri="com.example.app:/oauth")
    assert custom.headers["Location"].startswith("com.example.app:/oauth?code=")


async def test_secrets_are_stored_hashed(site: Pair) -> None:
    http, svc = site
    await signed_in(site)
    app = await register_app(http)
    code = await code_of(http, app)
    token = (await (await token_for(http, app, code)).get_json())["access_token"]
    session_cookie = next(c.value for c in http.cookie_jar if c.name == "impasto_session")
    async with svc.reads() as session:
        stored = await all_text(
            session, ["oauth_applications", "oauth_codes", "oauth_tokens", "web_sessions"]
        )
    assert stored
    for secret in (token, code, app["client_secret"]):
        assert secret not in stored
    assert session_cookie.split(".")[0] not in stored


async def test_cors_for_browser_clients(site: Pair) -> None:
    http, _ = site
    for path in (
        "/api/v1/apps",
        "/oauth/token",
        "/oauth/revoke",
        "/.well-known/oauth-authorization-server",
    ):
        preflight = await http.options(
            path,
            headers={
                "Origin": "https://phanpy.social",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        assert preflight.status_code == 200, path
        assert preflight.headers["Access-Control-Allow-Origin"] == "*"
        assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    app = await http.post(
        "/api/v1/apps",
        json={"client_name": "Phanpy", "redirect_uris": REDIRECT},
        headers={"Origin": "https://phanpy.social"},
    )
    assert app.headers["Access-Control-Allow-Origin"] == "*"
    page_response = await http.get("/auth/sign_in", headers={"Origin": "https://phanpy.social"})
    assert "Access-Control-Allow-Origin" not in page_response.headers


async def test_server_metadata_advertises_s256(site: Pair) -> None:
    http, svc = site
    doc = await (await http.get("/.well-known/oauth-authorization-server")).get_json()
    base = svc.settings.instance.url
    assert doc["issuer"] == f"{base}/"
    assert doc["authorization_endpoint"] == f"{base}/oauth/authorize"
    assert doc["token_endpoint"] == f"{base}/oauth/token"
    assert doc["revocation_endpoint"] == f"{base}/oauth/revoke"
    assert doc["app_registration_endpoint"] == f"{base}/api/v1/apps"
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert {"read", "write", "follow", "push", "read:accounts", "write:statuses"} <= set(
        doc["scopes_supported"]
    )
    assert set(doc["grant_types_supported"]) == {"authorization_code", "client_credentials"}


@pytest.mark.parametrize(
    ("target", "added"),
    [
        ("https://client.example:8443/cb?x=1", " https://client.example:8443"),
        ("http://[::1]:9/cb", " http://[::1]:9"),
        ("com.example.app:/oauth", " com.example.app:"),
        ("https://a;script-src-elem:*@x.example/", " https://x.example"),
        ("https://bad host/", ""),
    ],
)
def test_the_widened_form_action_is_only_ever_an_origin(target: str, added: str) -> None:
    from fedi.web.csp import CSP, allowing_form_target

    policy = allowing_form_target(target)
    assert policy == CSP.replace("form-action 'self'", f"form-action 'self'{added}")
