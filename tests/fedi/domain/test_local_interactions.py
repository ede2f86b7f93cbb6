"""Two users of one server follow, like, boost, reply to and mention each other, from the
command line, on the default configuration (no private addresses, so no request to ourselves
could even be made): all of it without HTTP, shown as for remote accounts, and both stay local
accounts. No server runs here: a request to our own URL would fail."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedi.core.settings import load_settings
from fedi.web.app import create_app
from storage import reactions
from storage.models import Account, Delivery, Post
from tests.support import rows
from tests.support.databases import DatabaseFactory
from tests.support.inspect import query
from tests.support.servers import free_port, run_cli, write_config

AS2 = "application/activity+json"


class Local:
    """A configured (not running) instance with local users alice and zed."""

    def __init__(self, tmp_path: Path, databases: DatabaseFactory, *, private: bool) -> None:
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.host = f"127.0.0.1:{port}"
        self.config = write_config(
            tmp_path / "config.toml",
            port=port,
            database_url=databases.new_url(),
            federation={"allow_private_addresses": private},
        )
        self.cli("init")
        self.cli("user", "create", "alice")
        self.cli("user", "create", "zed")

    def cli(self, *args: str) -> str:
        """An `impasto` command's output."""
        return run_cli(self.config, *args)

    def notifications(self, user: str) -> list[tuple[str, str, str | None]]:
        """(type, from whom, post) of the user's notifications, newest first."""
        found = json.loads(self.cli("notifications", user, "--json"))
        return [(n["type"], n["account"], n["status"]) for n in found]

    def home(self, user: str) -> list[tuple[str, str, str | None]]:
        """(post id, author, booster) of the user's home timeline, newest first."""
        found = json.loads(self.cli("timeline", user, "--json"))
        return [(e["uri"], e["account"], e["boosted_by"]) for e in found]

    def get(self, path: str, accept: str = AS2) -> tuple[int, Any]:
        """What the app answers a GET, through its test client (no server, no workers)."""

        async def run() -> tuple[int, Any]:
            app = create_app(load_settings(self.config), workers=False)
            async with app.test_app() as test_app:
                response = await test_app.test_client().get(path, headers={"Accept": accept})
                body = await response.get_data(as_text=True)
                is_json = "json" in response.headers.get("Content-Type", "")
                return response.status_code, json.loads(body) if is_json else body

        return asyncio.run(run())

    def relation_uris(self, user: str, name: str) -> tuple[int, list[str]]:
        """totalItems and the items of the user's followers or following collection."""
        status, collection = self.get(f"/users/{user}/{name}")
        assert status == 200
        status, page = self.get(f"/users/{user}/{name}?page=1")
        assert status == 200
        return collection["totalItems"], page["orderedItems"]

    def read(self, work: Any) -> Any:
        """Run `work(session)` on the instance's database."""
        return query(self.config, work)

    def domains(self) -> dict[str, str | None]:
        """username -> domain of every account."""

        async def read(session: AsyncSession) -> dict[str, str | None]:
            found = await session.execute(select(Account.username, Account.domain))
            return {name: domain for name, domain in found}

        result: dict[str, str | None] = self.read(read)
        return result

    def delivery_inboxes(self) -> list[str]:
        """The inbox of every delivery queued."""

        async def read(session: AsyncSession) -> list[str]:
            return list((await session.execute(select(Delivery.inbox_url))).scalars())

        result: list[str] = self.read(read)
        return result

    def add_remote_follower(self, user: str) -> str:
        """trent on remote.example, an accepted follower of `user`; returns his inbox."""

        async def write(session: AsyncSession) -> None:
            local = await session.scalar(select(Account).where(Account.username == user))
            assert local is not None
            trent = rows.account(
                "https://remote.example/users/trent",
                "trent",
                "remote.example",
                shared_inbox_url="https://remote.example/inbox",
            )
            session.add(trent)
            await session.flush()
            session.add(rows.accepted_follow("https://remote.example/f/1", trent.id, local.id))
            await session.commit()

        query(self.config, write, write=True)
        return "https://remote.example/inbox"

    def assert_both_local(self) -> None:
        """alice and zed are local rows still, their pages answer, and nothing we sent went
        to our own address."""
        domains = self.domains()
        assert domains["alice"] is None and domains["zed"] is None
        assert [name for name, domain in domains.items() if domain is not None] in (
            [],
            ["trent"],
        )
        for name in ("alice", "zed"):
            assert self.get(f"/@{name}", accept="text/html")[0] == 200
            status, actor = self.get(f"/users/{name}")
            assert status == 200 and actor["id"] == f"{self.base}/users/{name}"
        assert not [inbox for inbox in self.delivery_inboxes() if self.host in inbox]


@pytest.fixture
def local(tmp_path: Path, databases: DatabaseFactory) -> Local:
    """The default configuration: private addresses (ours included) are refused."""
    return Local(tmp_path, databases, private=False)


def test_local_users_follow_each_other_by_name_handle_and_url(local: Local) -> None:
    alice, zed = f"{local.base}/users/alice", f"{local.base}/users/zed"
    assert "(accepted)" in local.cli("follow", "alice", "zed")
    assert "(accepted)" in local.cli("follow", "zed", f"@alice@{local.host}")
    assert local.relation_uris("zed", "followers") == (1, [alice])
    assert local.relation_uris("alice", "following") == (1, [zed])
    assert local.relation_uris("alice", "followers") == (1, [zed])
    assert local.relation_uris("zed", "following") == (1, [alice])
    assert local.notifications("zed") == [("follow", f"alice@{local.host}", None)]
    assert local.notifications("alice") == [("follow", f"zed@{local.host}", None)]
    # A second follow changes nothing; unfollowing by actor URL ends it, and it can be made
    # again by any other name of the same account.
    assert "(accepted)" in local.cli("follow", "alice", f"zed@{local.host}")
    local.cli("unfollow", "alice", zed)
    assert local.relation_uris("zed", "followers") == (0, [])
    assert local.relation_uris("alice", "following") == (0, [])
    assert "(accepted)" in local.cli("follow", "alice", f"{local.base}/@zed")
    local.cli("unfollow", "alice", "@zed")
    assert "(accepted)" in local.cli("follow", "alice", zed)
    assert local.relation_uris("zed", "followers") == (1, [alice])

    status, profile = local.get("/@zed", accept="text/html")
    assert status == 200 and "<strong>1</strong> follower<" in profile
    local.assert_both_local()


def test_naming_a_local_user_that_does_not_exist_is_refused_without_a_lookup(
    local: Local,
) -> None:
    for reference in ("nobody", f"nobody@{local.host}", f"{local.base}/users/nobody"):
        with pytest.raises(RuntimeError, match="no local user"):
            local.cli("follow", "alice", reference)
    with pytest.raises(RuntimeError, match="yourself"):
        local.cli("follow", "alice", "alice")
    local.assert_both_local()


def test_with_private_addresses_allowed_a_local_handle_is_still_not_fetched(
    tmp_path: Path, databases: DatabaseFactory
) -> None:
    """The reported case: the tests' configuration, and zed named by his full handle. No
    server runs, so a WebFinger lookup of ourselves would fail."""
    local = Local(tmp_path, databases, private=True)
    assert "(accepted)" in local.cli("follow", "alice", f"zed@{local.host}")
    assert "(accepted)" in local.cli("follow", "zed", f"{local.base}/users/alice")
    page = local.cli("post", "zed", "a heron in the reeds").strip()
    assert page.startswith(f"{local.base}/@zed/")
    local.assert_both_local()


def test_likes_boosts_replies_and_mentions_between_local_users(local: Local) -> None:
    handle = {name: f"{name}@{local.host}" for name in ("alice", "zed")}
    trent_inbox = local.add_remote_follower("alice")
    local.cli("follow", "alice", "zed")
    local.cli("follow", "zed", "alice")

    page = local.cli("post", "zed", "a heron", "--caption", "for @alice").strip()
    post_id = page.rsplit("/", 1)[1]
    note = f"{local.base}/users/zed/statuses/{post_id}"
    assert local.notifications("alice") == [
        ("mention", handle["zed"], note),
        ("follow", handle["zed"], None),
    ]
    assert local.home("alice")[0] == (note, handle["zed"], None)

    local.cli("like", "alice", page)
    local.cli("boost", "alice", note)
    assert local.notifications("zed")[:2] == [
        ("boost", handle["alice"], note),
        ("like", handle["alice"], note),
    ]
    status, doc = local.get(f"/users/zed/statuses/{post_id}")
    assert status == 200
    assert (doc["likes"]["totalItems"], doc["shares"]["totalItems"]) == (1, 1)
    # The boost shows in the home timelines of alice and of her followers here (zed), and
    # goes to her remote follower.
    assert local.home("alice")[0] == (note, handle["zed"], handle["alice"])
    assert local.home("zed")[0] == (note, handle["zed"], handle["alice"])
    assert local.delivery_inboxes() == [trent_inbox]

    caption = f"lovely, @{handle['zed']}"
    reply = local.cli("reply", "alice", note, "a frog", "--caption", caption).strip()
    reply_note = f"{local.base}/users/alice/statuses/{reply.rsplit('/', 1)[1]}"
    # A reply that mentions the author it answers is one notification, a reply (the client
    # API shows it as Mastodon's "mention").
    assert local.notifications("zed")[0] == ("reply", handle["alice"], reply_note)
    status, reply_doc = local.get(f"/users/alice/statuses/{reply.rsplit('/', 1)[1]}")
    assert status == 200 and reply_doc["inReplyTo"] == note
    assert [tag["href"] for tag in reply_doc["tag"]] == [f"{local.base}/users/zed"]
    assert local.home("zed")[0] == (reply_note, handle["alice"], None)
    status, replies = local.get(f"/users/zed/statuses/{post_id}/replies")
    assert status == 200 and replies["totalItems"] == 1
    thread = json.loads(local.cli("thread", "zed", note, "--json"))
    assert [entry["uri"] for entry in thread["descendants"]] == [reply_note]
    assert sorted(local.delivery_inboxes()) == [trent_inbox, trent_inbox]

    local.cli("unlike", "alice", note)
    local.cli("unboost", "alice", note)
    kinds = [kind for kind, _, _ in local.notifications("zed")]
    assert "like" not in kinds and "boost" not in kinds

    async def counts(session: AsyncSession) -> dict[str, int]:
        post = await session.scalar(select(Post).where(Post.uri == note))
        assert post is not None
        return (await reactions.counts(session, [post.id]))[post.id]

    assert local.read(counts) == {reactions.LIKE: 0, reactions.ANNOUNCE: 0}
    assert local.home("zed")[1] == (note, handle["zed"], None)

    local.cli("unfollow", "alice", "zed")
    assert note not in [uri for uri, _, _ in local.home("alice")]
    local.assert_both_local()


def test_a_locked_local_account_approves_or_rejects_local_requests(local: Local) -> None:
    local.cli("user", "create", "carol", "--manual-approval")
    assert "(pending)" in local.cli("follow", "alice", "carol")
    assert "(pending)" in local.cli("follow", "zed", f"@carol@{local.host}")
    assert local.relation_uris("carol", "followers") == (0, [])
    requests = local.cli("requests", "list", "carol")
    assert f"alice@{local.host}" in requests and f"zed@{local.host}" in requests
    assert sorted(local.notifications("carol")) == [
        ("follow_request", f"alice@{local.host}", None),
        ("follow_request", f"zed@{local.host}", None),
    ]
    page = local.cli("post", "carol", "a quiet pond").strip()
    assert page not in [uri for uri, _, _ in local.home("alice")]

    local.cli("requests", "approve", "carol", "alice")
    local.cli("requests", "reject", "carol", f"{local.base}/users/zed")
    assert local.relation_uris("carol", "followers") == (1, [f"{local.base}/users/alice"])
    assert local.cli("requests", "list", "carol") == ""
    carol_note = f"{local.base}/users/carol/statuses/{page.rsplit('/', 1)[1]}"
    assert local.home("alice")[0][0] == carol_note
    assert carol_note not in [uri for uri, _, _ in local.home("zed")]
    local.assert_both_local()


def test_blocking_a_local_user_by_name_ends_their_follows(local: Local) -> None:
    local.cli("follow", "alice", "zed")
    local.cli("follow", "zed", "alice")
    local.cli("block", "alice", "zed")
    assert local.cli("blocks", "alice").split("\t")[0] == f"zed@{local.host}"
    assert local.relation_uris("alice", "followers") == (0, [])
    assert local.relation_uris("alice", "following") == (0, [])
    with pytest.raises(RuntimeError, match="blocked"):
        local.cli("follow", "zed", "alice")
    local.cli("unblock", "alice", f"@zed@{local.host}")
    assert "(accepted)" in local.cli("follow", "zed", "alice")
    local.assert_both_local()
