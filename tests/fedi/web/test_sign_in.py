"""The sign-in page: labelled fields, CSRF, session cookies renewed on sign-in and ended on
sign-out, cookie attributes, throttling, and who may not sign in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import update

from fedi.core.services import INSTANCE_ACTOR, Services
from fedi.core.settings import load_settings
from fedi.domain import auth
from fedi.domain.accounts import create_user
from fedi.web.app import create_app
from fedi.web.sessions import COOKIE, CSRF_COOKIE
from storage.models import Account
from tests.support.oauth import (
    PASSWORD,
    Pair,
    csrf_of,
    jar_value,
    page,
    peer,
    set_cookies,
    sign_in,
    whoami,
)
from tests.support.servers import write_config


async def test_the_form_has_labelled_fields_and_a_csrf_token(site: Pair) -> None:
    http, _ = site
    html = await page(http, "/auth/sign_in")
    assert '<label for="username">' in html and 'id="username"' in html
    assert '<label for="password">' in html and 'type="password"' in html
    assert 'name="csrf_token"' in html


async def test_signing_in_and_out(site: Pair) -> None:
    http, _ = site
    response = await sign_in(http)
    assert response.status_code == 303
    assert await whoami(http) == "alice"
    token = csrf_of(await page(http, "/"))
    out = await http.post("/auth/sign_out", form={"csrf_token": token})
    assert out.status_code == 303
    assert await whoami(http) is None


async def test_the_session_id_is_new_at_each_sign_in_and_dies_at_sign_out(site: Pair) -> None:
    http, _ = site
    await page(http, "/auth/sign_in")
    before = jar_value(http, CSRF_COOKIE)
    assert before
    first = await sign_in(http)
    cookies = set_cookies(first.headers.getlist("Set-Cookie"))
    assert COOKIE in cookies
    # The pre-sign-in cookie (the CSRF seed) is replaced too: nothing from before survives.
    assert cookies[CSRF_COOKIE]["value"] != before
    session_one = cookies[COOKIE]["value"]
    second = await sign_in(http)  # signing in again: a fresh session id, not the old one
    session_two = set_cookies(second.headers.getlist("Set-Cookie"))[COOKIE]["value"]
    assert session_two != session_one
    await http.post("/auth/sign_out", form={"csrf_token": csrf_of(await page(http, "/"))})
    # An old session cookie, replayed after sign-out, lets no one in: the row is gone.
    http.set_cookie("localhost", COOKIE, str(session_two))
    assert await whoami(http) is None


async def test_a_session_planted_before_sign_in_is_not_kept(site: Pair) -> None:
    http, _ = site
    http.set_cookie("localhost", COOKIE, "attacker-chosen")
    response = await sign_in(http)
    issued = set_cookies(response.headers.getlist("Set-Cookie"))[COOKIE]["value"]
    assert issued != "attacker-chosen"


@pytest.mark.parametrize("token", [None, "", "forged.token.value"])
async def test_sign_in_without_a_valid_csrf_token_is_refused(site: Pair, token: str | None) -> None:
    http, _ = site
    await page(http, "/auth/sign_in")
    form = {"username": "alice", "password": PASSWORD}
    if token is not None:
        form["csrf_token"] = token
    response = await http.post("/auth/sign_in", form=form)
    assert response.status_code == 403
    assert COOKIE not in set_cookies(response.headers.getlist("Set-Cookie"))
    assert await whoami(http) is None


async def test_a_csrf_token_from_another_browser_is_refused(site: Pair) -> None:
    http, _ = site
    other_token = csrf_of(await page(http, "/auth/sign_in"))
    app = http.app
    stranger = app.test_client()
    await page(stranger, "/auth/sign_in")
    form = {"username": "alice", "password": PASSWORD, "csrf_token": other_token}
    assert (await stranger.post("/auth/sign_in", form=form)).status_code == 403


async def test_sign_out_needs_the_csrf_token(site: Pair) -> None:
    http, _ = site
    await sign_in(http)
    assert (await http.post("/auth/sign_out", form={})).status_code == 403
    assert await whoami(http) == "alice"


async def test_cookies_are_httponly_lax_and_not_secure_on_http(site: Pair) -> None:
    http, _ = site
    response = await sign_in(http)
    cookies = set_cookies(response.headers.getlist("Set-Cookie"))
    for name in (COOKIE, CSRF_COOKIE):
        assert cookies[name]["httponly"] is True, name
        assert cookies[name]["samesite"] == "Lax", name
        assert cookies[name]["secure"] is False, name


@pytest.fixture
async def https_site(tmp_path: Path, config_path: Path) -> AsyncIterator[Pair]:
    """The app with an https instance URL (TLS ends at the reverse proxy)."""
    settings = load_settings(config_path)
    config = write_config(
        tmp_path / "https.toml",
        port=8443,
        database_url=settings.database.url,
        instance={"url": "https://impasto.example"},
    )
    app = create_app(load_settings(config), workers=False)
    async with app.test_app() as test_app:
        svc: Services = app.config["IMPASTO_SERVICES"]
        await create_user(svc, "alice")
        await auth.set_password(svc, "alice", PASSWORD)
        yield test_app.test_client(), svc


async def test_cookies_are_secure_when_the_instance_url_is_https(https_site: Pair) -> None:
    http, _ = https_site
    response = await sign_in(http, scheme="https")
    cookies = set_cookies(response.headers.getlist("Set-Cookie"))
    for name in (COOKIE, CSRF_COOKIE):
        assert cookies[name]["secure"] is True, name
        assert cookies[name]["httponly"] is True and cookies[name]["samesite"] == "Lax"


async def test_a_wrong_password_is_refused(site: Pair) -> None:
    http, _ = site
    response = await sign_in(http, password="not it at all")
    assert response.status_code == 401
    assert "Wrong username or password" in await response.get_data(as_text=True)
    assert await whoami(http) is None


async def test_failures_for_one_account_slow_it_down_even_with_the_right_password(
    site: Pair,
) -> None:
    http, _ = site
    for n in range(auth.ACCOUNT_LIMIT):
        response = await sign_in(http, password=f"guess {n}", scope_base=peer(f"198.51.100.{n}"))
        assert response.status_code == 401
    # From yet another address, with the right password: still refused for now.
    response = await sign_in(http, scope_base=peer("198.51.100.200"))
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many failed sign-ins" in await response.get_data(as_text=True)
    assert await whoami(http) is None


async def test_failures_from_one_address_slow_it_down_for_every_account(site: Pair) -> None:
    http, svc = site
    await create_user(svc, "bob")
    await auth.set_password(svc, "bob", PASSWORD)
    attacker = peer("203.0.113.9")
    for n in range(auth.ADDRESS_LIMIT):
        response = await sign_in(http, username=f"nobody{n}", scope_base=attacker)
        assert response.status_code == 401
    response = await sign_in(http, username="bob", scope_base=attacker)
    assert response.status_code == 429
    # Someone else, from elsewhere, signs in as bob at once.
    other = http.app.test_client()
    response = await sign_in(other, username="bob", scope_base=peer("192.0.2.77"))
    assert response.status_code == 303


async def test_the_reverse_proxy_names_the_address(site: Pair) -> None:
    """Behind the proxy on this machine, X-Forwarded-For tells addresses apart."""
    http, _ = site
    loopback = peer("127.0.0.1")
    for n in range(auth.ADDRESS_LIMIT):
        headers = {"X-Forwarded-For": "203.0.113.50"}
        await sign_in(http, username=f"x{n}", scope_base=loopback, headers=headers)
    blocked = await sign_in(http, scope_base=loopback, headers={"X-Forwarded-For": "203.0.113.50"})
    assert blocked.status_code == 429
    fine = await sign_in(http, scope_base=loopback, headers={"X-Forwarded-For": "203.0.113.51"})
    assert fine.status_code == 303


@pytest.mark.parametrize("mark", ["suspended_since", "suspended_at"])  # suspended, deleted
async def test_a_suspended_or_deleted_account_cannot_sign_in(site: Pair, mark: str) -> None:
    http, svc = site
    async with svc.sessions.begin() as session:
        await session.execute(
            update(Account).where(Account.username == "alice").values({mark: Account.created_at})
        )
    response = await sign_in(http)
    assert response.status_code == 401
    assert await whoami(http) is None


async def test_the_instance_actor_cannot_sign_in(site: Pair) -> None:
    http, svc = site
    with pytest.raises(auth.SignInError):
        await auth.set_password(svc, INSTANCE_ACTOR, PASSWORD)
    response = await sign_in(http, username=INSTANCE_ACTOR)
    assert response.status_code == 401


async def test_next_never_leaves_the_site(site: Pair) -> None:
    http, _ = site
    html = await page(http, "/auth/sign_in?next=//evil.example/x")
    assert 'name="next" value="/"' in html
