"""The streaming API against a running `impasto serve`: server-sent events and the WebSocket
carry what happens (a post by someone followed, made by `impasto post` in another process; a
like of one's post; an edit; a deletion) as Mastodon's events, to the right listeners only;
tokens are checked (missing, wrong, revoked, outside the scopes)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from mastodon import Mastodon, StreamListener
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.auth_models import OAuthToken
from storage.timeutil import utcnow
from tests.support.api_scene import post_id
from tests.support.databases import DatabaseFactory, backends
from tests.support.inspect import query
from tests.support.peer import Peer, PeerActor, activity, deliver
from tests.support.servers import Server, free_port, run_cli, wait_for, write_config
from tests.support.streams import sse

REVOKED_SCOPES = "read:statuses read:accounts"  # the scopes of the token the tests revoke


@dataclass
class Streaming:
    """The running server, its config, and tokens of alice (who follows bob)."""

    server: Server
    config: Path
    read: str  # alice's, read
    write_only: str  # alice's, write:statuses
    notifications_only: str  # alice's, read:notifications
    revoked: str  # alice's, revoked
    alice_post: int

    @property
    def base(self) -> str:
        return self.server.base

    async def cli(self, *args: str) -> str:
        """An `impasto` command, run as another process would: not through the server."""
        return await asyncio.to_thread(run_cli, self.config, *args)


@pytest.fixture(scope="module", params=backends())
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Streaming]:
    tmp = tmp_path_factory.mktemp("streaming")
    databases = DatabaseFactory(request.param, tmp)
    port = free_port()
    config = write_config(
        tmp / "config.toml",
        port=port,
        database_url=databases.new_url(),
        server={"stream_poll_interval": 0.1, "stream_heartbeat": 0.5},
    )
    run_cli(config, "init")
    for name in ("alice", "bob", "carol"):
        run_cli(config, "user", "create", name)
    run_cli(config, "follow", "alice", "bob")
    run_cli(config, "block", "alice", "carol")
    alice_post = post_id(run_cli(config, "post", "alice", "a lighthouse at dusk"))

    def token(*scopes: str) -> str:
        return run_cli(config, "token", "create", "alice", "--scopes", *scopes).strip()

    tokens = token("read"), token("write:statuses"), token("read:notifications")
    revoked = token(*REVOKED_SCOPES.split())

    _revoke(config, REVOKED_SCOPES)
    server = Server(config, port, tmp / "server.log").start()
    try:
        yield Streaming(server, config, *tokens, revoked, alice_post)
    finally:
        server.stop()
        databases.drop_all()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        yield session


def _about(status_id: int) -> object:
    return lambda event: event.json()["id"] == str(status_id)


async def test_health_needs_no_token(live: Streaming, http: aiohttp.ClientSession) -> None:
    async with http.get(f"{live.base}/api/v1/streaming/health") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        assert await response.text() == "OK"


async def test_user_stream_hears_a_followed_post_its_edit_and_its_deletion(
    live: Streaming, http: aiohttp.ClientSession
) -> None:
    stream = await sse(http, f"{live.base}/api/v1/streaming/user", live.read)
    # bob posts from the command line: another process than the server's
    new = post_id(await live.cli("post", "bob", "a red kite over hills"))
    update_event = await stream.next("update", _about(new))
    status = update_event.json()
    assert status["account"]["username"] == "bob"
    assert status["favourited"] is False
    await live.cli("edit", "bob", str(new), "--caption", "a kite, later")
    edited = (await stream.next("status.update", _about(new))).json()
    assert "a kite, later" in edited["content"]
    await live.cli("delete", "bob", str(new))
    deleted = await stream.next("delete", lambda event: event.data == str(new))
    assert deleted.data == str(new)  # the id as plain text, as Mastodon sends it
    stream.response.close()


async def test_user_stream_hears_a_like_as_a_notification(
    live: Streaming, http: aiohttp.ClientSession
) -> None:
    stream = await sse(http, f"{live.base}/api/v1/streaming/user", live.read)
    only = await sse(http, f"{live.base}/api/v1/streaming/user/notification", live.read)
    await live.cli("like", "bob", str(live.alice_post))
    for listening in (stream, only):
        notification = (await listening.next("notification")).json()
        assert notification["type"] == "favourite"
        assert notification["account"]["username"] == "bob"
        assert notification["status"]["id"] == str(live.alice_post)
        listening.response.close()


async def test_public_streams_and_hashtags_without_the_blocked(
    live: Streaming, http: aiohttp.ClientSession
) -> None:
    base = f"{live.base}/api/v1/streaming"
    public = await sse(http, f"{base}/public", access_token=live.read)  # token in the query
    local = await sse(http, f"{base}/public/local", live.read)
    tagged = await sse(http, f"{base}/hashtag", live.read, tag="Kites")
    # carol, whom alice blocks, posts first: alice's streams never show it
    blocked = post_id(await live.cli("post", "carol", "a crow", "--caption", "#kites"))
    seen = post_id(await live.cli("post", "bob", "a box kite", "--caption", "#kites"))
    for stream in (public, local, tagged):
        first = (await stream.next("update")).json()
        assert first["id"] == str(seen), f"got {first['id']}; carol's was {blocked}"
        stream.response.close()


async def test_heartbeats_keep_an_idle_stream_open(
    live: Streaming, http: aiohttp.ClientSession
) -> None:
    stream = await sse(http, f"{live.base}/api/v1/streaming/user", live.read)
    beat = await stream.next("comment", within=5)
    assert beat.data == "thump"
    stream.response.close()


@pytest.mark.parametrize(
    ("path", "token", "status"),
    [
        ("user", None, 401),
        ("user", "not-a-token", 401),
        ("user", "revoked", 401),
        ("user", "write_only", 403),
        ("user", "notifications_only", 403),
        ("user/notification", "write_only", 403),
        ("public", None, 401),
        ("public", "write_only", 403),
        ("hashtag", "read", 400),  # no tag
        ("nowhere", "read", 404),
    ],
)
async def test_sse_refusals(
    live: Streaming, http: aiohttp.ClientSession, path: str, token: str | None, status: int
) -> None:
    secret = getattr(live, token, token) if token else None
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    async with http.get(f"{live.base}/api/v1/streaming/{path}", headers=headers) as response:
        assert response.status == status
        assert "error" in await response.json()


async def test_a_notifications_only_token_hears_notifications(
    live: Streaming, http: aiohttp.ClientSession
) -> None:
    url = f"{live.base}/api/v1/streaming/user/notification"
    stream = await sse(http, url, live.notifications_only)
    await live.cli("boost", "bob", str(live.alice_post))
    notification = (await stream.next("notification")).json()
    assert notification["type"] == "reblog"
    stream.response.close()


def _revoke(config: Path, scopes: str) -> None:
    async def revoke(session: AsyncSession) -> None:
        stmt = update(OAuthToken).where(OAuthToken.scopes == scopes).values(revoked_at=utcnow())
        await session.execute(stmt)
        await session.commit()

    query(config, revoke, write=True)


async def test_revoking_a_token_closes_its_open_streams(
    live: Streaming, http: aiohttp.ClientSession
) -> None:
    scopes = "read:statuses read:notifications"  # this test's token alone has these
    token = (await live.cli("token", "create", "alice", "--scopes", *scopes.split())).strip()
    stream = await sse(http, f"{live.base}/api/v1/streaming/user", token)
    params = {"access_token": token, "stream": "user"}
    async with http.ws_connect(_ws_url(live), params=params) as ws:
        await asyncio.to_thread(_revoke, live.config, scopes)
        await stream.ended()
        async with asyncio.timeout(10):
            closed = await ws.receive()
        assert closed.type == aiohttp.WSMsgType.CLOSE


def _ws_url(live: Streaming) -> str:
    return live.base.replace("http://", "ws://") + "/api/v1/streaming"


async def _ws_next(ws: aiohttp.ClientWebSocketResponse, event: str, status_id: int) -> dict:
    async with asyncio.timeout(20):
        while True:
            doc = json.loads(await ws.receive_str())
            if doc.get("event") == event and json.loads(doc["payload"])["id"] == str(status_id):
                return doc


async def test_websocket_subscribe_and_unsubscribe(
    live: Streaming, http: aiohttp.ClientSession
) -> None:
    async with http.ws_connect(_ws_url(live), params={"access_token": live.read}) as ws:
        await ws.send_json({"type": "subscribe", "stream": "user"})
        await ws.send_json({"type": "subscribe", "stream": "hashtag", "tag": "gulls"})
        await asyncio.sleep(0.3)  # (the server reads them before the post's event comes)
        new = post_id(await live.cli("post", "bob", "gulls", "--caption", "#gulls"))
        home = await _ws_next(ws, "update", new)
        assert home["stream"] == ["user"] or home["stream"] == ["hashtag", "gulls"]
        other = await _ws_next(ws, "update", new)
        assert {tuple(home["stream"]), tuple(other["stream"])} == {("user",), ("hashtag", "gulls")}
        assert json.loads(home["payload"])["account"]["username"] == "bob"
        await ws.send_json({"type": "unsubscribe", "stream": "hashtag", "tag": "gulls"})
        await asyncio.sleep(0.3)
        again = post_id(await live.cli("post", "bob", "more gulls", "--caption", "#gulls"))
        found = await _ws_next(ws, "update", again)
        assert found["stream"] == ["user"]
        await live.cli("delete", "bob", str(again))
        async with asyncio.timeout(20):
            while (doc := json.loads(await ws.receive_str()))["event"] != "delete":
                assert doc["stream"] == ["user"], doc  # nothing more on the hashtag
        assert doc == {"stream": ["user"], "event": "delete", "payload": str(again)}


async def test_websocket_token_in_the_protocol_header_is_echoed(
    live: Streaming, http: aiohttp.ClientSession
) -> None:
    url = f"{_ws_url(live)}?stream=user"
    async with http.ws_connect(url, protocols=(live.read,)) as ws:
        assert ws.protocol == live.read
        new = post_id(await live.cli("post", "bob", "a heron"))
        assert (await _ws_next(ws, "update", new))["stream"] == ["user"]


async def test_websocket_token_in_the_authorization_header(
    live: Streaming, http: aiohttp.ClientSession
) -> None:
    headers = {"Authorization": f"Bearer {live.read}"}
    async with http.ws_connect(f"{_ws_url(live)}?stream=public:local", headers=headers) as ws:
        await ws.send_str("not json")
        assert json.loads(await ws.receive_str()) == {"error": "Unknown message", "status": 400}
        new = post_id(await live.cli("post", "bob", "an egret"))
        assert (await _ws_next(ws, "update", new))["stream"] == ["public:local"]


@pytest.mark.parametrize(
    ("token", "query", "status"),
    [
        (None, "stream=user", 401),
        ("not-a-token", "stream=user", 401),
        ("revoked", "stream=user", 401),
        ("write_only", "stream=user", 403),
        ("read", "stream=nowhere", 400),
    ],
)
async def test_websocket_refusals(
    live: Streaming, http: aiohttp.ClientSession, token: str | None, query: str, status: int
) -> None:
    params = {"access_token": getattr(live, token, token)} if token else {}
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await http.ws_connect(f"{_ws_url(live)}?{query}", params=params)
    assert refused.value.status == status


async def test_a_write_only_token_cannot_subscribe_over_the_socket(
    live: Streaming, http: aiohttp.ClientSession
) -> None:
    params = {"access_token": live.write_only}
    async with http.ws_connect(_ws_url(live), params=params) as ws:
        await ws.send_json({"type": "subscribe", "stream": "user"})
        refused = json.loads(await ws.receive_str())
        assert refused["status"] == 403


class _Heard(StreamListener):
    """Mastodon.py's listener: remembers the statuses and notifications it hears."""

    def __init__(self) -> None:
        self.updates: list[Any] = []
        self.notifications: list[Any] = []
        self.aborted: list[Exception] = []

    def on_update(self, status: Any) -> None:
        self.updates.append(status)

    def on_notification(self, notification: Any) -> None:
        self.notifications.append(notification)

    def on_abort(self, err: Exception) -> None:
        self.aborted.append(err)


@pytest.mark.parametrize("which", ["user", "public"])
def test_mastodon_py_streams(live: Streaming, which: str) -> None:
    api = Mastodon(access_token=live.read, api_base_url=live.base, version_check_mode="none")
    heard = _Heard()
    stream = getattr(api, f"stream_{which}")(heard, run_async=True, reconnect_async=False)
    try:
        wait_for(lambda: stream.is_receiving(), timeout=10)
        new = post_id(run_cli(live.config, "post", "bob", f"a {which} swan"))
        found = wait_for(lambda: [s for s in heard.updates if str(s.id) == str(new)], timeout=20)
        assert found[0].account.username == "bob"
        assert not heard.aborted
    finally:
        stream.close()


AS = "https://www.w3.org/ns/activitystreams"


def _note(actor: PeerActor, n: int, text: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"{actor.id}/notes/{n}",
        "type": "Note",
        "attributedTo": actor.id,
        "content": f"<p>{text}</p>",
        "published": "2026-12-04T10:00:00Z",
        "to": [f"{AS}#Public"],
        "tag": [{"type": "Hashtag", "name": "#herons", "href": f"{actor.id}/tags/herons"}],
        **extra,
    }


async def test_a_remote_post_its_update_and_deletion_reach_the_streams(
    live: Streaming, http: aiohttp.ClientSession
) -> None:
    peer = await Peer().start()
    try:
        mallory = peer.add_actor("mallory")
        inbox = f"{live.base}/inbox"
        await live.cli("follow", "alice", f"mallory@127.0.0.1:{peer.port}")
        follow = await asyncio.to_thread(
            wait_for,
            lambda: next((r.json for r in peer.received if r.json["type"] == "Follow"), None),
        )
        assert await deliver(mallory, inbox, activity("Accept", mallory, follow, 1)) == 202
        base = f"{live.base}/api/v1/streaming"
        home = await sse(http, f"{base}/user", live.read)
        remote = await sse(http, f"{base}/public/remote", live.read)
        local = await sse(http, f"{base}/public/local", live.read)
        tagged = await sse(http, f"{base}/hashtag", live.read, tag="herons")
        local_tag = await sse(http, f"{base}/hashtag/local", live.read, tag="herons")
        note = _note(mallory, 1, "a heron, remote")
        create = {**activity("Create", mallory, note, 1), "id": f"{note['id']}/activity"}
        assert await deliver(mallory, inbox, create) == 202
        for stream in (home, remote, tagged):
            status = (await stream.next("update")).json()
            assert status["uri"] == note["id"]
            assert status["account"]["acct"] == f"mallory@127.0.0.1:{peer.port}"
        # the local streams never hear of it: the next they hear is bob's
        mine = post_id(await live.cli("post", "bob", "a heron, here", "--caption", "#herons"))
        for stream in (local, local_tag):
            assert (await stream.next("update")).json()["id"] == str(mine)
        changed = _note(mallory, 1, "a heron, changed", updated="2026-12-04T11:00:00Z")
        assert await deliver(mallory, inbox, activity("Update", mallory, changed, 2)) == 202
        edited = (await home.next("status.update")).json()
        assert edited["uri"] == note["id"] and "changed" in edited["content"]
        assert await deliver(mallory, inbox, activity("Delete", mallory, note["id"], 3)) == 202
        for stream in (home, remote):
            assert (await stream.next("delete")).data == edited["id"]
        for stream in (home, remote, local, tagged, local_tag):
            stream.response.close()
    finally:
        await peer.stop()
