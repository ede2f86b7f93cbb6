"""Who may see the admin pages (visitors sign in, non-admins get 403), the Admin link, and
/admin/users: suspending ends the sessions and the tokens, unsuspending brings the account
back, deleting asks first; every form refuses a forged CSRF token."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from fedi.domain import apps, auth
from fedi.domain.accounts import create_user
from storage import sign_ins
from storage.accounts import local_account
from storage.models import Account
from storage.timeutil import utcnow
from tests.support.api_scene import bearer
from tests.support.oauth import PASSWORD, Pair, csrf_of, page, sign_in

PAGES = (
    "/admin",
    "/admin/users",
    "/admin/invites",
    "/admin/domain_blocks",
    "/admin/instance",
    "/admin/deliveries",
)
FORMS: tuple[
    tuple[str, dict[str, str]], ...
] = (  # every admin form, with fields that would be accepted with a good token
    ("/admin/users/alice/suspend", {}),
    ("/admin/users/alice/unsuspend", {}),
    ("/admin/users/alice/delete", {"confirm": "alice"}),
    ("/admin/invites", {"uses": "1", "days": "7"}),
    ("/admin/invites/1/revoke", {}),
    ("/admin/domain_blocks", {"domain": "bad.example", "reason": "spam"}),
    ("/admin/domain_blocks/remove", {"domain": "bad.example"}),
    (
        "/admin/instance",
        {"description": "x", "rules": "", "quota": "5", "registrations": "open"},
    ),
)


@pytest.mark.parametrize("path", PAGES)
async def test_a_visitor_is_sent_to_sign_in(admin_site: Pair, path: str) -> None:
    http, _ = admin_site
    response = await http.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/auth/sign_in?next={path}"


async def test_someone_who_is_not_an_admin_gets_403_everywhere(admin_site: Pair) -> None:
    http, svc = admin_site
    assert (await sign_in(http, "alice")).status_code == 303
    assert 'href="/admin"' not in await page(http, "/")
    token = csrf_of(await page(http, "/settings/password"))
    for path in PAGES:
        assert (await http.get(path)).status_code == 403, path
    for path, fields in FORMS:
        response = await http.post(path, form={"csrf_token": token, **fields})
        assert response.status_code == 403, path
    async with svc.reads() as session:
        alice = await local_account(session, "alice")
        assert alice is not None and alice.suspended_since is None


async def test_an_admin_sees_the_link_and_every_page(admin_site: Pair) -> None:
    http, _ = admin_site
    assert (await sign_in(http, "root")).status_code == 303
    assert '<a href="/admin">Admin</a>' in await page(http, "/")
    for path in PAGES:
        html = await page(http, path)
        assert 'aria-label="Admin"' in html, path


async def test_every_admin_form_refuses_a_forged_csrf_token(admin_site: Pair) -> None:
    http, svc = admin_site
    await sign_in(http, "root")
    for path, fields in FORMS:
        for token in ("forged", ""):
            response = await http.post(path, form={"csrf_token": token, **fields})
            assert response.status_code == 403, path
    async with svc.reads() as session:
        alice = await local_account(session, "alice")
        assert alice is not None and alice.suspended_since is None
    assert "bad.example" not in await page(http, "/admin/domain_blocks")


async def test_users_newest_first_and_suspend_ends_sessions_and_tokens(admin_site: Pair) -> None:
    http, svc = admin_site
    alice_token = (await apps.personal_token(svc, "alice", "read")).secret
    alice_browser = http.app.test_client()
    await sign_in(alice_browser, "alice")
    assert (await alice_browser.get("/settings/password")).status_code == 200
    await sign_in(http, "root")
    html = await page(http, "/admin/users")
    assert html.index("@root") < html.index("@alice")  # root joined later
    assert "/admin/users/root/suspend" not in html  # not oneself
    response = await http.post("/admin/users/alice/suspend", form={"csrf_token": csrf_of(html)})
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/users?done=suspended"
    html = await page(http, "/admin/users?done=suspended")
    assert "Suspended since" in html and "/admin/users/alice/unsuspend" in html
    assert (await alice_browser.get("/settings/password")).status_code == 302  # signed out
    api = await http.get("/api/v1/accounts/verify_credentials", headers=bearer(alice_token))
    assert api.status_code == 401
    with pytest.raises(auth.SignInError):
        await auth.sign_in(svc, "alice", PASSWORD, "10.0.0.9")
    assert (await http.get("/@alice")).status_code == 404

    response = await http.post("/admin/users/alice/unsuspend", form={"csrf_token": csrf_of(html)})
    assert response.status_code == 303
    api = await http.get("/api/v1/accounts/verify_credentials", headers=bearer(alice_token))
    assert api.status_code == 200
    assert (await auth.sign_in(svc, "alice", PASSWORD, "10.0.0.9")).account.username == "alice"


async def test_an_admin_cannot_suspend_themselves(admin_site: Pair) -> None:
    http, svc = admin_site
    await sign_in(http, "root")
    token = csrf_of(await page(http, "/admin/users"))
    response = await http.post("/admin/users/root/suspend", form={"csrf_token": token})
    assert response.status_code == 422
    assert "You cannot suspend yourself." in await response.get_data(as_text=True)
    async with svc.reads() as session:
        root = await local_account(session, "root")
        assert root is not None and root.suspended_since is None


async def test_delete_asks_for_the_name_then_deletes(admin_site: Pair) -> None:
    http, svc = admin_site
    await sign_in(http, "root")
    html = await page(http, "/admin/users/alice/delete")
    assert '<label for="confirm">' in html
    wrong = await http.post(
        "/admin/users/alice/delete", form={"csrf_token": csrf_of(html), "confirm": "bob"}
    )
    assert wrong.status_code == 422
    async with svc.reads() as session:
        assert await local_account(session, "alice") is not None
    done = await http.post(
        "/admin/users/alice/delete", form={"csrf_token": csrf_of(html), "confirm": "alice"}
    )
    assert done.status_code == 303
    async with svc.reads() as session:
        assert await local_account(session, "alice") is None
    assert "@alice" not in await page(http, "/admin/users")
    assert (await http.get("/admin/users/alice/delete")).status_code == 404


async def test_a_suspended_user_can_still_be_deleted(admin_site: Pair) -> None:
    http, svc = admin_site
    await sign_in(http, "root")
    token = csrf_of(await page(http, "/admin/users"))
    await http.post("/admin/users/alice/suspend", form={"csrf_token": token})
    done = await http.post(
        "/admin/users/alice/delete", form={"csrf_token": token, "confirm": "alice"}
    )
    assert done.status_code == 303
    assert "@alice" not in await page(http, "/admin/users")
    async with svc.reads() as session:  # deleted: the row stays to sign its farewell
        alice = await local_account(session, "alice", include_deleted=True)
        assert alice is not None and await sign_ins.user_of(session, alice.id) is None


def _listed(html: str) -> list[str]:
    return re.findall(r'<td data-label="User"><a href="/@([^"]+)">', html)


async def test_users_come_fifty_a_page_each_once(admin_site: Pair) -> None:
    http, svc = admin_site
    for n in range(54):
        await create_user(svc, f"user{n:02d}")
    async with svc.sessions.begin() as session:  # half joined at the same instant: ties
        await session.execute(
            update(Account).where(Account.username.like("user1%")).values(created_at=utcnow())
        )
    await sign_in(http, "root")
    first = await page(http, "/admin/users")
    assert len(_listed(first)) == 50 and "Next page" in first
    after = re.search(r'href="(/admin/users\?after=\d+)">Next page', first)
    assert after is not None
    second = await page(http, after.group(1))
    assert "Next page" not in second
    listed = _listed(first) + _listed(second)
    names = {f"user{n:02d}" for n in range(54)} | {"alice", "root"}
    assert len(listed) == len(names) and set(listed) == names  # every user, each once
