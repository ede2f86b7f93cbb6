"""What other servers and people see of a user an admin suspended: the actor is still served
(200, minimal, `"suspended": true`, as Mastodon), never 410 Gone, and WebFinger still answers,
so no server forgets the account or its follows; its profile, posts and API are closed; sign-in
and tokens are refused; unsuspending brings all back. A deleted account is still 410."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import update

from fedi.core.services import Services
from fedi.domain import apps, auth, deletes, moderation
from fedi.domain.accounts import AccountError
from fedi.domain.posting import Draft, make_post
from storage.models import Account
from tests.support.api_scene import bearer
from tests.support.oauth import PASSWORD, Pair

AS2 = {"Accept": "application/activity+json"}


async def _actor(pair: Pair, name: str = "alice") -> tuple[int, Any]:
    http, _ = pair
    response = await http.get(f"/users/{name}", headers=AS2)
    return response.status_code, await response.get_json(force=True)


async def _webfinger(pair: Pair, name: str = "alice") -> int:
    http, svc = pair
    host = svc.settings.instance.host
    return (await http.get(f"/.well-known/webfinger?resource=acct:{name}@{host}")).status_code


async def _with_profile(svc: Services) -> None:
    async with svc.sessions.begin() as session:
        await session.execute(
            update(Account)
            .where(Account.username == "alice", Account.domain.is_(None))
            .values(
                display_name="Alice A.",
                summary="a bio",
                icon_url=svc.urls.media("avatar.png"),
                header_url=svc.urls.media("header.png"),
                profile_fields=[{"name": "site", "value": "example"}],
                manually_approves_followers=True,
            )
        )


@pytest.fixture
async def posted(admin_site: Pair) -> tuple[Pair, int, str]:
    """alice with a full profile, a public post, and a personal API token."""
    _, svc = admin_site
    await _with_profile(svc)
    post = await make_post(svc, Draft("alice", "a red fox", caption="hello fox"))
    token = (await apps.personal_token(svc, "alice", "read")).secret
    return admin_site, post.id, token


async def test_a_suspended_actor_is_served_minimal_never_gone(
    posted: tuple[Pair, int, str],
) -> None:
    pair, post_id, token = posted
    http, svc = pair
    status, full = await _actor(pair)
    assert status == 200 and "suspended" not in full and full["summary"]
    await moderation.suspend(svc, "alice")

    status, doc = await _actor(pair)
    assert status == 200  # not 410: a Mastodon refetching it keeps the account and follows
    assert doc["suspended"] is True and doc["type"] == "Person"
    assert doc["id"] == full["id"] and doc["publicKey"] == full["publicKey"]
    assert doc["inbox"] == full["inbox"] and doc["followers"] == full["followers"]
    assert doc["name"] == "alice" and doc["summary"] == ""
    assert not {"icon", "image", "attachment"} & doc.keys()
    assert doc["discoverable"] is False and doc["manuallyApprovesFollowers"] is False
    assert "Alice A." not in str(doc) and "a bio" not in str(doc)
    assert await _webfinger(pair) == 200

    note = await http.get(f"/users/alice/statuses/{post_id}", headers=AS2)
    assert note.status_code == 403  # as Mastodon: not 404/410, which would delete the post
    for path in ("/users/alice/outbox", "/users/alice/followers", "/users/alice/following"):
        assert (await http.get(path, headers=AS2)).status_code == 403, path

    assert (await http.get("/@alice")).status_code == 404
    assert (await http.get(f"/@alice/{post_id}")).status_code == 404
    public = await http.get("/api/v1/timelines/public")
    assert post_id not in [int(item["id"]) for item in await public.get_json()]
    api = await http.get("/api/v1/accounts/verify_credentials", headers=bearer(token))
    assert api.status_code == 401
    with pytest.raises(auth.SignInError):
        await auth.sign_in(svc, "alice", PASSWORD, "10.0.0.9")

    await moderation.unsuspend(svc, "alice")
    status, doc = await _actor(pair)
    assert status == 200 and doc == full
    assert (await http.get("/@alice")).status_code == 200
    assert (await http.get(f"/@alice/{post_id}")).status_code == 200
    note = await http.get(f"/users/alice/statuses/{post_id}", headers=AS2)
    assert note.status_code == 200
    public = await http.get("/api/v1/timelines/public")
    assert post_id in [int(item["id"]) for item in await public.get_json()]
    api = await http.get("/api/v1/accounts/verify_credentials", headers=bearer(token))
    assert api.status_code == 200
    assert (await auth.sign_in(svc, "alice", PASSWORD, "10.0.0.9")).account.username == "alice"


async def test_suspending_does_not_mark_the_account_deleted(admin_site: Pair) -> None:
    _, svc = admin_site
    await moderation.suspend(svc, "alice")
    found = {account.username: account for account, _ in await moderation.users(svc)}
    assert found["alice"].suspended_at is None and found["alice"].suspended_since is not None


async def test_a_deleted_account_is_still_gone(admin_site: Pair) -> None:
    pair = admin_site
    await deletes.delete_account(pair[1], "alice")
    status, doc = await _actor(pair)
    assert status == 410 and doc["type"] == "Tombstone"
    assert await _webfinger(pair) == 404


async def test_a_suspended_then_deleted_account_is_gone(admin_site: Pair) -> None:
    pair = admin_site
    await moderation.suspend(pair[1], "alice")
    await deletes.delete_account(pair[1], "alice", suspended_too=True)
    status, doc = await _actor(pair)
    assert status == 410 and doc["type"] == "Tombstone"
    with pytest.raises(moderation.ModerationError):
        await moderation.unsuspend(pair[1], "alice")  # nothing to lift: it is deleted
    assert (await _actor(pair))[0] == 410


async def test_a_suspended_user_cannot_post_not_even_a_picture_still_being_made(
    admin_site: Pair,
) -> None:
    _, svc = admin_site
    await moderation.suspend(svc, "alice")
    with pytest.raises(AccountError, match="suspended"):
        await make_post(svc, Draft("alice", "a red fox"))  # nothing made, nothing federated
    await moderation.unsuspend(svc, "alice")
    assert (await make_post(svc, Draft("alice", "a red fox"))).id
