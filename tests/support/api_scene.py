"""A small world for the client API's read tests, made as people make it (the `impasto` command
line) plus a remote account and post stored as if received: alice and bob follow each other,
bob answers and likes and boosts alice's picture, alice pins it; carol is on another server."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quart.typing import TestClientProtocol as Client

from fedi.core.services import Services
from fedi.domain import apps
from storage import accounts, reactions
from storage.ids import new_id
from storage.models import Account, MediaAttachment, Post
from tests.support.rows import account
from tests.support.servers import run_cli

CAROL = "https://c.example/users/carol"
CAROL_POST = f"{CAROL}/statuses/1"


@dataclass(frozen=True)
class Scene:
    """Ids of what the scene holds, and tokens to read it with."""

    alice: int
    bob: int
    carol: int
    lighthouse: int  # alice's post: #sea, mentions bob, alt text given; liked, boosted, pinned
    fox: int  # bob's post
    boat: int  # bob's reply to the lighthouse
    remote: int  # carol's post, with a picture not copied here
    boost: int  # bob's boost of the lighthouse
    alice_token: str  # read write
    bob_token: str  # read
    narrow_token: str  # alice's, write:statuses only


def post_id(printed: str) -> int:
    """The id of the post whose page URL `impasto post` printed."""
    return int(printed.strip().rsplit("/", 1)[-1])


async def cli(config: Path, *args: str) -> str:
    """Run an `impasto` command on the scene's database."""
    return await asyncio.to_thread(run_cli, config, *args)


async def _remote(svc: Services) -> tuple[int, int]:
    async with svc.sessions.begin() as session:
        carol = account(CAROL, "carol", "c.example", url="https://c.example/@carol")
        carol.display_name = "Carol"
        session.add(carol)
        await session.flush()
        post = Post(
            uri=CAROL_POST,
            url="https://c.example/@carol/1",
            account_id=carol.id,
            local=False,
            visibility="public",
            content_html="<p>Hello from afar</p>",
        )
        session.add(post)
        await session.flush()
        session.add(
            MediaAttachment(
                post_id=post.id,
                account_id=carol.id,
                remote_url="https://c.example/media/1.png",
                media_type="image/png",
                width=640,
                height=480,
                description="A red square",
            )
        )
        return carol.id, post.id


async def build(svc: Services, config: Path) -> Scene:
    """Make the scene on the database of `config` (alice exists already)."""
    await cli(config, "user", "create", "bob", "--display-name", "Bob")
    lighthouse = post_id(
        await cli(
            config,
            "post",
            "alice",
            "a lighthouse on a cliff",
            "--caption",
            "#Sea at dusk, for @bob",
            "--alt",
            "A white lighthouse",
        )
    )
    fox = post_id(await cli(config, "post", "bob", "a fox in the snow"))
    boat = post_id(await cli(config, "reply", "bob", str(lighthouse), "a boat at sea"))
    await cli(config, "follow", "alice", "bob")
    await cli(config, "follow", "bob", "alice")
    for verb in ("like", "boost"):
        await cli(config, verb, "bob", str(lighthouse))
    await cli(config, "pin", "alice", str(lighthouse))
    carol, remote = await _remote(svc)
    async with svc.reads() as session:
        alice = await accounts.local_account(session, "alice")
        bob = await accounts.local_account(session, "bob")
        assert alice is not None and bob is not None
        boost = await reactions.find(session, reactions.ANNOUNCE, bob.id, lighthouse)
        assert boost is not None
    return Scene(
        alice=alice.id,
        bob=bob.id,
        carol=carol,
        lighthouse=lighthouse,
        fox=fox,
        boat=boat,
        remote=remote,
        boost=boost.id,
        alice_token=(await apps.personal_token(svc, "alice", "read write")).secret,
        bob_token=(await apps.personal_token(svc, "bob", "read")).secret,
        narrow_token=(await apps.personal_token(svc, "alice", "write:statuses")).secret,
    )


def bearer(token: str) -> dict[str, str]:
    """The Authorization header of a token."""
    return {"Authorization": f"Bearer {token}"}


async def add_post(
    svc: Services,
    account_id: int,
    *,
    visibility: str = "public",
    in_reply_to: str | None = None,
    text: str = "a picture",
) -> int:
    """A post stored directly (no picture painted): quick, for lists and audiences."""
    async with svc.sessions.begin() as session:
        number = new_id()
        author = await session.get(Account, account_id)
        assert author is not None
        uri = (
            svc.urls.post(author.username, number)
            if author.domain is None
            else (f"{author.uri}/statuses/{number}")
        )
        session.add(
            Post(
                id=number,
                uri=uri,
                url=None,
                account_id=account_id,
                local=author.domain is None,
                visibility=visibility,
                content_html=f"<p>{text}</p>",
                in_reply_to_uri=in_reply_to,
            )
        )
    return number


async def get(http: Client, path: str, token: str | None = None, status: int = 200) -> Any:
    """GET an API path (with a token, if given); its JSON, after checking the status."""
    response = await http.get(path, headers=bearer(token) if token else {})
    body = await response.get_data(as_text=True)
    assert response.status_code == status, (path, response.status_code, body)
    return await response.get_json()
