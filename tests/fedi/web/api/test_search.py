"""GET /api/v2/search, /api/v1/accounts/search and /api/v1/tags/:name: what a search finds
stored here, what `resolve=true` looks up on other servers (and when it must not), and that a
failed lookup is an empty answer, never an error."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from fedi.core.services import Services
from storage import domain_blocks
from storage.models import Account, Post
from tests.support.api_scene import CAROL_POST, Scene, get
from tests.support.mastodon_shapes import assert_shape
from tests.support.oauth import Pair
from tests.support.origin import Origin, running_origin
from tests.support.peer import Peer
from tests.support.servers import free_port


@pytest.fixture
async def origin(svc_of: Services, keypair: tuple[str, str]) -> AsyncIterator[Origin]:
    """A fake server with carol's notes 0 and 1."""
    async with running_origin(svc_of, keypair, 2) as host:
        yield host


@pytest.fixture
def svc_of(client: Pair) -> Services:
    """The running app's services."""
    return client[1]


@pytest.fixture
async def peer() -> AsyncIterator[Peer]:
    """A fake server with dana (found by WebFinger) and an HTML page."""
    server = await Peer().start()
    server.add_actor("dana")
    server.files["about"] = (b"<!doctype html><p>Hello</p>", "text/html")
    yield server
    await server.stop()


def _q(text: str, **params: str) -> str:
    extra = "".join(f"&{key}={quote(value)}" for key, value in params.items())
    return f"/api/v2/search?q={quote(text)}{extra}"


def _uris(found: list[dict[str, Any]]) -> list[str]:
    return [status["uri"] for status in found]


def _names(found: dict[str, Any]) -> list[str]:
    return [account["acct"] for account in found["accounts"]]


async def _count(svc: Services, model: type[Any], **where: Any) -> int:
    async with svc.reads() as session:
        stmt = select(func.count()).select_from(model).filter_by(**where)
        return int(await session.scalar(stmt) or 0)


async def test_accounts_by_the_start_of_their_name(client: Pair, scene: Scene) -> None:
    http, _ = client
    assert _names(await get(http, _q("ali"))) == ["alice"]
    assert _names(await get(http, _q("@BO"))) == ["bob"]
    assert _names(await get(http, _q("Caro"))) == ["carol@c.example"]  # username and name
    assert _names(await get(http, _q("carol@c.ex"))) == ["carol@c.example"]
    assert _names(await get(http, _q("alice@c.example"))) == []
    assert _names(await get(http, _q("lice"))) == []  # the start, not anywhere
    assert _names(await get(http, _q("instance"))) == []  # the instance actor is no one
    assert _names(await get(http, _q("%"))) == []  # a wildcard is a letter like any other


async def test_following_limits_to_the_accounts_the_user_follows(
    client: Pair, scene: Scene
) -> None:
    http, _ = client
    found = await get(http, _q("b", following="true"), scene.alice_token)
    assert _names(found) == ["bob"]
    assert _names(await get(http, _q("c", following="true"), scene.alice_token)) == []
    listed = await get(http, "/api/v1/accounts/search?q=c&following=true", scene.alice_token)
    assert listed == []


async def test_statuses_are_not_searched_by_their_text(client: Pair, scene: Scene) -> None:
    http, _ = client
    found = await get(http, _q("lighthouse"), scene.alice_token)
    assert found["statuses"] == []


async def test_a_stored_post_is_found_by_its_url_without_resolving(
    client: Pair, scene: Scene
) -> None:
    http, svc = client
    ours = await get(http, _q(f"{svc.settings.instance.url}/@alice/{scene.lighthouse}"))
    assert [status["id"] for status in ours["statuses"]] == [str(scene.lighthouse)]
    theirs = await get(http, _q(CAROL_POST))
    assert [status["id"] for status in theirs["statuses"]] == [str(scene.remote)]
    assert_shape(theirs, "search")
    # account_id keeps only that author's post; type keeps only that kind.
    other = await get(http, _q(CAROL_POST, account_id=str(scene.alice)))
    assert other["statuses"] == []
    assert (await get(http, _q(CAROL_POST, type="accounts")))["statuses"] == []
    me = await get(http, _q(f"{svc.settings.instance.url}/users/alice", type="accounts"))
    assert _names(me) == ["alice"]


async def test_hashtags_by_their_start_and_the_exact_one_first(client: Pair, scene: Scene) -> None:
    http, svc = client
    found = await get(http, _q("#SE"))
    assert [tag["name"] for tag in found["hashtags"]] == ["se", "sea"]
    sea = found["hashtags"][1]
    assert sea["url"] == f"{svc.settings.instance.url}/tags/sea"
    assert (sea["history"], sea["following"]) == ([], False)
    assert_shape(found, "search")
    assert [tag["name"] for tag in (await get(http, _q("sea")))["hashtags"]] == ["sea"]
    assert (await get(http, _q("#123")))["hashtags"] == []  # digits alone are no hashtag
    assert (await get(http, _q("sea", type="statuses")))["hashtags"] == []


async def test_a_tag(client: Pair, scene: Scene) -> None:
    http, _ = client
    sea = await get(http, "/api/v1/tags/Sea")
    assert_shape(sea, "tag")
    assert (sea["name"], sea["following"]) == ("sea", False)
    unused = await get(http, "/api/v1/tags/sky")  # any well-formed tag, as Mastodon
    assert unused["name"] == "sky" and unused["id"] != sea["id"]
    assert (await get(http, "/api/v1/tags/Sea"))["id"] == sea["id"]  # the same every time
    await get(http, "/api/v1/tags/no%20tag", status=404)


async def test_missing_query_bad_token_and_scopes(client: Pair, scene: Scene) -> None:
    http, _ = client
    await get(http, "/api/v2/search", status=400)
    await get(http, _q("alice"), "not-a-token", status=401)
    await get(http, _q("alice"), scene.narrow_token, status=403)  # no read:search
    await get(http, "/api/v1/accounts/search?q=alice", status=401)  # a user's only
    await get(http, "/api/v1/accounts/search?q=alice", scene.narrow_token, status=403)
    found = await get(http, "/api/v1/accounts/search?q=alice", scene.bob_token)
    assert [account["acct"] for account in found] == ["alice"]


async def test_offset_pages_for_a_user_only(client: Pair, scene: Scene) -> None:
    http, _ = client
    both = await get(http, _q("b", type="accounts"), scene.bob_token)
    assert _names(both) == ["bob"]
    page = await get(http, _q("", type="accounts"), status=400)
    assert "q" in page["error"]
    await get(http, _q("a", offset="1"), status=401)
    first = await get(http, _q("a", limit="1", type="accounts"), scene.bob_token)
    second = await get(http, _q("a", limit="1", offset="1", type="accounts"), scene.bob_token)
    assert _names(first) == ["alice"] and _names(second) == []


async def test_resolve_finds_a_remote_post_by_its_url_and_its_page(
    client: Pair, scene: Scene, origin: Origin
) -> None:
    http, svc = client
    found = await get(http, _q(origin.url(0), resolve="true"), scene.bob_token)
    assert [status["uri"] for status in found["statuses"]] == [origin.url(0)]
    assert_shape(found, "search")
    page = await get(http, _q(origin.page(1), resolve="true"), scene.bob_token)
    assert [status["uri"] for status in page["statuses"]] == [origin.url(1)]
    assert await _count(svc, Post, uri=origin.url(1)) == 1


async def test_resolve_follows_an_html_page_to_the_document_it_links(
    client: Pair, scene: Scene, origin: Origin, peer: Peer
) -> None:
    http, _ = client
    link = f'<link rel="alternate" type="application/activity+json" href="{origin.url(0)}">'
    peer.files["post"] = (f"<!doctype html><head>{link}</head>".encode(), "text/html")
    found = await get(http, _q(f"{peer.base}/files/post", resolve="true"), scene.bob_token)
    assert _uris(found["statuses"]) == [origin.url(0)]
    assert origin.asked == [0]


async def test_resolve_finds_a_remote_account_by_handle_and_url(
    client: Pair, scene: Scene, peer: Peer
) -> None:
    http, svc = client
    handle = f"dana@127.0.0.1:{peer.port}"
    found = await get(http, _q(f"@{handle}", resolve="true"), scene.bob_token)
    assert _names(found) == [handle]
    by_url = await get(http, _q(peer.actors["dana"].id, resolve="1"), scene.bob_token)
    assert _names(by_url) == [handle]
    # Stored now: found again without resolving, by anyone.
    assert _names(await get(http, _q(handle))) == [handle]
    listed = await get(
        http, f"/api/v1/accounts/search?q={quote(handle)}&resolve=true", scene.bob_token
    )
    assert [account["acct"] for account in listed] == [handle]
    assert await _count(svc, Account, uri=peer.actors["dana"].id) == 1


async def test_resolve_needs_a_user_and_fetches_nothing_without_one(
    client: Pair, scene: Scene, origin: Origin
) -> None:
    http, svc = client
    answer = await get(http, _q(origin.url(0), resolve="true"), status=401)
    assert "authentication" in answer["error"]
    # Without resolve, an anonymous search of the URL finds only what is stored: nothing.
    assert (await get(http, _q(origin.url(0))))["statuses"] == []
    assert origin.asked == []
    assert await _count(svc, Post, uri=origin.url(0)) == 0


async def test_resolve_does_not_fetch_from_a_blocked_server(
    client: Pair, scene: Scene, origin: Origin
) -> None:
    http, svc = client
    async with svc.sessions.begin() as session:
        await domain_blocks.add(session, f"127.0.0.1:{origin.port}")
    svc._blocked = None
    found = await get(http, _q(origin.url(0), resolve="true"), scene.bob_token)
    assert found == {"accounts": [], "statuses": [], "hashtags": []}
    handle = await get(http, _q(f"carol@127.0.0.1:{origin.port}", resolve="1"), scene.bob_token)
    assert handle["accounts"] == []
    assert origin.asked == []
    # What is stored from a server blocked later is no longer found either.
    assert _names(await get(http, _q("carol@c.example"))) == ["carol@c.example"]
    async with svc.sessions.begin() as session:
        await domain_blocks.add(session, "c.example")
    svc._blocked = None  # forget the cached set at once (a running server re-reads within 5 s)
    assert _names(await get(http, _q("carol"), scene.bob_token)) == []
    assert (await get(http, _q(CAROL_POST), scene.bob_token))["statuses"] == []
    assert (await get(http, _q("https://c.example/users/carol")))["accounts"] == []


async def test_what_is_no_post_or_account_finds_nothing(
    client: Pair, scene: Scene, peer: Peer, origin: Origin
) -> None:
    http, _ = client
    empty = {"accounts": [], "statuses": [], "hashtags": []}
    for url in (
        f"{peer.base}/files/about",  # an HTML page, no ActivityStreams document
        f"{peer.base}/files/nothing",  # 404
        origin.url(5),  # 404 on a server that answers
        f"http://127.0.0.1:{free_port()}/users/nobody",  # nobody listens
        f"{peer.base}/users/nobody",
    ):
        assert await get(http, _q(url, resolve="true"), scene.bob_token) == empty, url
    for handle in (f"nobody@127.0.0.1:{peer.port}", f"x@127.0.0.1:{free_port()}"):
        found = await get(http, _q(handle, resolve="true"), scene.bob_token)
        assert found["accounts"] == [], handle


async def test_our_own_handles_and_urls_are_read_here_without_http(
    client: Pair, scene: Scene
) -> None:
    """Nothing listens at this test instance's address: any request to it would fail and
    find nothing, so what is found was read from the database."""
    http, svc = client
    base, host = svc.settings.instance.url, svc.settings.instance.host
    assert _names(await get(http, _q(f"alice@{host}"))) == ["alice"]
    for query in (f"@bob@{host}", f"{base}/@bob", f"{base}/users/bob"):
        found = await get(http, _q(query, resolve="true"), scene.alice_token)
        assert _names(found) == ["bob"], query
    post = await get(http, _q(f"{base}/@alice/{scene.lighthouse}", resolve="1"), scene.bob_token)
    assert [status["id"] for status in post["statuses"]] == [str(scene.lighthouse)]
    nobody = await get(http, _q(f"{base}/@nobody", resolve="true"), scene.alice_token)
    assert nobody == {"accounts": [], "statuses": [], "hashtags": []}
