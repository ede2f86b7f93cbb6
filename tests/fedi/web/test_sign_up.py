"""The sign-up page as `[instance] registrations` allows (closed, open, by invite), Mastodon's
username rules, CSRF, a fresh session on sign-up, throttling per address, and changing one's
password."""

from __future__ import annotations

import re

import pytest

from fedi.domain import auth, signups
from fedi.web.sessions import COOKIE
from storage import invites
from storage.timeutil import utcnow
from tests.support.oauth import PASSWORD, Pair, csrf_of, jar_value, page, peer, set_cookies


async def _form(http: object, fields: dict[str, str], path: str = "/auth/sign_up") -> object:
    token = csrf_of(await page(http, path))  # type: ignore[arg-type]
    return await http.post(path, form={"csrf_token": token, **fields})  # type: ignore[attr-defined]


def _fields(username: str = "carol", password: str = PASSWORD, **more: str) -> dict[str, str]:
    return {"username": username, "password": password, "confirmation": password, **more}


async def _signed_in_as(http: object) -> str | None:
    html = await page(http, "/")  # type: ignore[arg-type]
    found = re.search(r'<a class="handle" href="/@(\w+)">', html)
    return found.group(1) if found and "Sign out" in html else None


async def test_closed_by_default_nobody_can_sign_up(client: Pair) -> None:
    http, svc = client
    assert svc.settings.instance.registrations == "closed"
    response = await http.get("/auth/sign_up")
    assert response.status_code == 403
    html = await response.get_data(as_text=True)
    assert "This server is not taking sign-ups." in html and 'name="password"' not in html
    token = csrf_of(await page(http, "/auth/sign_in"))
    posted = await http.post("/auth/sign_up", form={"csrf_token": token, **_fields()})
    assert posted.status_code == 403
    assert await signups.usable_invite(svc, "") is False
    with pytest.raises(auth.SignInError):
        await auth.user_account(svc, "carol")


async def test_open_sign_up_makes_the_account_and_signs_it_in_with_a_new_session(
    client: Pair,
) -> None:
    http, svc = client
    svc.settings.instance.registrations = "open"
    front = await page(http, "/")
    assert 'href="/auth/sign_up"' in front
    html = await page(http, "/auth/sign_up")
    for name in ("username", "password", "confirmation"):
        assert f'<label for="{name}">' in html and f'id="{name}"' in html
    before = jar_value(http, COOKIE)
    response = await _form(http, _fields())
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.headers["Location"] == "/@carol"  # type: ignore[attr-defined]
    cookies = set_cookies(response.headers.getlist("Set-Cookie"))  # type: ignore[attr-defined]
    assert cookies[COOKIE]["value"] and cookies[COOKIE]["value"] != before
    assert cookies[COOKIE]["httponly"] is True
    assert await _signed_in_as(http) == "carol"
    assert (await auth.sign_in(svc, "carol", PASSWORD, "10.0.0.9")).account.username == "carol"
    profile = await http.get("/@carol")
    assert profile.status_code == 200


@pytest.mark.parametrize(
    ("username", "password", "confirmation", "reason"),
    [
        ("alice", PASSWORD, PASSWORD, "is taken"),
        ("ALICE", PASSWORD, PASSWORD, "is taken"),  # names are unique whatever their case
        ("admin", PASSWORD, PASSWORD, "is reserved"),
        ("instance.actor", PASSWORD, PASSWORD, "letters (a to z), digits or underscores"),
        ("a" * 31, PASSWORD, PASSWORD, "1 to 30 letters"),
        ("bad name", PASSWORD, PASSWORD, "with no spaces"),
        ("", PASSWORD, PASSWORD, "1 to 30 letters"),
        ("carol", "short", "short", "at least 8 characters"),
        ("carol", PASSWORD, PASSWORD + "!", "The two passwords differ."),
    ],
)
async def test_bad_sign_ups_say_why_and_keep_the_name(
    client: Pair, username: str, password: str, confirmation: str, reason: str
) -> None:
    http, svc = client
    svc.settings.instance.registrations = "open"
    fields = {"username": username, "password": password, "confirmation": confirmation}
    response = await _form(http, fields)
    assert response.status_code == 422  # type: ignore[attr-defined]
    html = await response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert reason in html.replace("&#39;", "'")
    assert f'value="{username}"' in html
    assert await _signed_in_as(http) is None


async def test_a_sign_up_without_the_csrf_token_is_refused(client: Pair) -> None:
    http, svc = client
    svc.settings.instance.registrations = "open"
    await page(http, "/auth/sign_up")
    response = await http.post("/auth/sign_up", form={**_fields(), "csrf_token": "forged"})
    assert response.status_code == 403
    with pytest.raises(auth.SignInError):
        await auth.user_account(svc, "carol")


async def test_sign_ups_from_one_address_are_slowed_down(client: Pair) -> None:
    http, svc = client
    svc.settings.instance.registrations = "open"
    for n in range(signups.ADDRESS_LIMIT):
        await signups.sign_up(
            svc,
            username=f"user{n}",
            password=PASSWORD,
            confirmation=PASSWORD,
            address="203.0.113.7",
        )
    token = csrf_of(await page(http, "/auth/sign_up", scope_base=peer("203.0.113.7")))
    response = await http.post(
        "/auth/sign_up",
        form={"csrf_token": token, **_fields("onemore")},
        scope_base=peer("203.0.113.7"),
    )
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    elsewhere = await _form(http, _fields("fromelsewhere"))
    assert elsewhere.status_code == 303  # type: ignore[attr-defined]


async def test_by_invite_only_a_valid_invite_opens_the_form_and_it_is_used_up(
    client: Pair,
) -> None:
    http, svc = client
    svc.settings.instance.registrations = "invite"
    assert (await http.get("/auth/sign_up")).status_code == 403
    assert (await http.get("/auth/sign_up?invite=made-up")).status_code == 403
    made = await signups.create_invite(svc, by="alice", max_uses=1, days=1)
    url = signups.invite_url(svc, made.code)
    assert url.endswith(f"/auth/sign_up?invite={made.code}")
    path = f"/auth/sign_up?invite={made.code}"
    html = await page(http, path)
    assert f'name="invite" value="{made.code}"' in html
    response = await _form(http, _fields(invite=made.code), path)
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert await _signed_in_as(http) == "carol"
    # Used once: the next person with the same link is turned away, and nothing is made.
    other = http.app.test_client()  # type: ignore[attr-defined]
    assert (await other.get(path)).status_code == 403
    with pytest.raises(signups.SignUpClosed):
        await signups.sign_up(
            svc,
            username="dave",
            password=PASSWORD,
            confirmation=PASSWORD,
            address="198.51.100.1",
            invite=made.code,
        )


async def test_expired_and_revoked_invites_open_nothing(client: Pair) -> None:
    _, svc = client
    svc.settings.instance.registrations = "invite"
    expired = await signups.create_invite(svc, days=1)
    revoked = await signups.create_invite(svc, max_uses=None, days=None)
    async with svc.sessions.begin() as session:
        row = await invites.valid(session, auth.digest(expired.code), utcnow())
        assert row is not None
        row.expires_at = utcnow()
        assert await invites.revoke(session, revoked.invite.id, utcnow())
    assert await signups.usable_invite(svc, expired.code) is False
    assert await signups.usable_invite(svc, revoked.code) is False


async def test_a_failed_sign_up_gives_the_invites_use_back(client: Pair) -> None:
    _, svc = client
    svc.settings.instance.registrations = "invite"
    made = await signups.create_invite(svc, max_uses=1)
    with pytest.raises(signups.SignUpError):
        await signups.sign_up(
            svc,
            username="admin",  # reserved: refused before the invite is touched
            password=PASSWORD,
            confirmation=PASSWORD,
            address="198.51.100.2",
            invite=made.code,
        )
    assert await signups.usable_invite(svc, made.code) is True


async def test_changing_the_password_ends_other_sessions(client: Pair) -> None:
    http, svc = client
    await auth.set_password(svc, "alice", PASSWORD)
    other = http.app.test_client()  # type: ignore[attr-defined]
    for browser in (http, other):
        token = csrf_of(await page(browser, "/auth/sign_in"))
        form = {"csrf_token": token, "username": "alice", "password": PASSWORD}
        assert (await browser.post("/auth/sign_in", form=form)).status_code == 303
    new = "a much longer new password"
    wrong = await _form(
        http, {"current": "not it", "password": new, "confirmation": new}, "/settings/password"
    )
    assert wrong.status_code == 422  # type: ignore[attr-defined]
    assert "The current password is wrong." in await wrong.get_data(as_text=True)  # type: ignore[attr-defined]
    forged = await http.post(
        "/settings/password",
        form={"csrf_token": "forged", "current": PASSWORD, "password": new, "confirmation": new},
    )
    assert forged.status_code == 403
    done = await _form(
        http, {"current": PASSWORD, "password": new, "confirmation": new}, "/settings/password"
    )
    assert done.status_code == 303  # type: ignore[attr-defined]
    assert await _signed_in_as(http) == "alice"  # this browser stays signed in
    assert await _signed_in_as(other) is None  # the other one is signed out
    assert (await auth.sign_in(svc, "alice", new, "10.0.0.3")).account.username == "alice"


async def test_the_password_page_needs_a_sign_in(client: Pair) -> None:
    http, _ = client
    response = await http.get("/settings/password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/sign_in?next=/settings/password")


@pytest.mark.parametrize(
    ("mode", "v2_enabled", "v1", "invites_enabled", "nodeinfo_open"),
    [
        ("closed", False, False, False, False),
        ("open", True, True, False, True),
        ("invite", False, False, True, False),
    ],
)
async def test_apps_and_nodeinfo_are_told_whether_sign_up_is_open(
    client: Pair,
    mode: str,
    v2_enabled: bool,
    v1: bool,
    invites_enabled: bool,
    nodeinfo_open: bool,
) -> None:
    http, svc = client
    svc.settings.instance.registrations = mode  # type: ignore[assignment]
    v2 = await (await http.get("/api/v2/instance")).get_json()
    assert v2["registrations"]["enabled"] is v2_enabled
    assert (v2["registrations"]["message"] is None) is (mode == "open")
    one = await (await http.get("/api/v1/instance")).get_json()
    assert (one["registrations"], one["invites_enabled"]) == (v1, invites_enabled)
    nodeinfo = await (await http.get("/nodeinfo/2.1")).get_json()
    assert nodeinfo["openRegistrations"] is nodeinfo_open
