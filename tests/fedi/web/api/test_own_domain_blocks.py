"""GET/POST/DELETE /api/v1/domain_blocks: a user's own block of a server hides its accounts
from that user only, ends follows with them both ways, and is paged as Mastodon's."""

from __future__ import annotations

from typing import Any

from quart.typing import TestClientProtocol as Client

from fedi.core.services import Services
from fedi.domain import apps
from fedi.domain.accounts import create_user
from storage import accounts, follows, notifications
from tests.support import rows
from tests.support.api_scene import add_post, bearer
from tests.support.sent import follow, remote, sent

Pair = tuple[Client, Services]
PATH = "/api/v1/domain_blocks"


async def _token(svc: Services, scopes: str = "read write", user: str = "alice") -> dict[str, str]:
    return bearer((await apps.personal_token(svc, user, scopes)).secret)


async def _call(
    http: Client, method: str, path: str, headers: dict[str, str], status: int = 200, **kw: Any
) -> Any:
    response = await http.open(path, method=method, headers=headers, **kw)
    body = await response.get_json()
    assert response.status_code == status, body
    return body


async def _public_authors(http: Client, headers: dict[str, str]) -> set[str]:
    page = await _call(http, "GET", "/api/v1/timelines/public", headers)
    return {status["account"]["acct"] for status in page}


async def test_block_hides_the_server_and_ends_follows(client: Pair) -> None:
    http, svc = client
    await create_user(svc, "bob")
    trent = await remote(svc, "trent", "other.example")
    mallory = await remote(svc, "mallory", "other.example")
    await follow(svc, trent, "alice")  # trent follows alice
    async with svc.sessions.begin() as session:  # alice follows mallory
        alice = await accounts.local_account(session, "alice")
        assert alice is not None
        session.add(rows.accepted_follow(f"{alice.uri}/follows/m", alice.id, mallory.id))
    await add_post(svc, mallory.id, text="from other")
    async with svc.sessions.begin() as session:  # mallory's follow was told to alice
        await notifications.add(
            session,
            account_id=alice.id,
            kind=notifications.FOLLOW,
            from_account_id=mallory.id,
            source_uri=f"{mallory.uri}/follows/1",
        )
    alice_h, bob_h = await _token(svc), await _token(svc, user="bob")
    assert "mallory@other.example" in await _public_authors(http, alice_h)
    assert len(await _call(http, "GET", "/api/v1/notifications", alice_h)) == 1

    assert await _call(http, "POST", PATH, alice_h, form={"domain": "Other.Example"}) == {}
    assert await _call(http, "GET", PATH, alice_h) == ["other.example"]
    relation = f"/api/v1/accounts/relationships?id[]={mallory.id}"
    (seen,) = await _call(http, "GET", relation, alice_h)
    assert (seen["domain_blocking"], seen["following"]) == (True, False)
    (bobs,) = await _call(http, "GET", relation, bob_h)
    assert bobs["domain_blocking"] is False
    assert await _call(http, "GET", "/api/v1/notifications", alice_h) == []
    assert "mallory@other.example" not in await _public_authors(http, alice_h)
    assert "mallory@other.example" in await _public_authors(http, bob_h)  # bob's view is his
    assert "mallory@other.example" in await _public_authors(http, {})
    async with svc.reads() as session:
        assert await follows.get(session, trent.id, alice.id) is None
        assert await follows.get(session, alice.id, mallory.id) is None
    ((reject, to_trent),) = await sent(svc, "Reject")
    assert to_trent == ["https://other.example/users/trent/inbox"]
    assert reject["object"]["actor"] == trent.uri
    ((undo, to_mallory),) = await sent(svc, "Undo")
    assert undo["object"]["type"] == "Follow" and to_mallory == [mallory.inbox_url]

    # again: nothing new; then lifted, the posts show again
    assert await _call(http, "POST", PATH, alice_h, json={"domain": "other.example"}) == {}
    assert len(await sent(svc, "Reject")) == 1
    assert await _call(http, "DELETE", PATH + "?domain=other.example", alice_h) == {}
    assert await _call(http, "GET", PATH, alice_h) == []
    assert "mallory@other.example" in await _public_authors(http, alice_h)


async def test_paged_with_link_headers(client: Pair) -> None:
    http, svc = client
    headers = await _token(svc)
    for name in ("a.example", "b.example", "c.example"):
        await _call(http, "POST", PATH, headers, form={"domain": name})
    response = await http.get(PATH + "?limit=2", headers=headers)
    assert await response.get_json() == ["c.example", "b.example"]
    next_url = response.headers["Link"].split(">", 1)[0].removeprefix("<")
    assert next_url.startswith(f"{svc.settings.instance.url}{PATH}?limit=2&max_id=")
    rest = await http.get(next_url.removeprefix(svc.settings.instance.url), headers=headers)
    assert await rest.get_json() == ["a.example"]


async def test_refusals(client: Pair) -> None:
    http, svc = client
    headers = await _token(svc)
    own = await _call(http, "POST", PATH, headers, 422, form={"domain": svc.settings.instance.host})
    assert "own server" in own["error"]
    for bad in ("", "not a domain", "<script>"):
        refused = await _call(http, "POST", PATH, headers, 422, form={"domain": bad})
        assert "not a server name" in refused["error"]


async def test_scopes(client: Pair) -> None:
    http, svc = client
    await _call(http, "GET", PATH, {}, 401)
    await _call(http, "POST", PATH, {}, 401, form={"domain": "x.example"})
    await _call(http, "POST", PATH, await _token(svc, "read"), 403, form={"domain": "x.example"})
    await _call(http, "GET", PATH, await _token(svc, "write"), 403)
    await _call(http, "POST", PATH, await _token(svc, "write:blocks"), form={"domain": "x.example"})
    assert await _call(http, "GET", PATH, await _token(svc, "follow")) == ["x.example"]
