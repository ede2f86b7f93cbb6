"""The acting user is found one way (accounts.acting_user): an unknown name, a deleted account
and the reserved instance actor are refused, by every command a person runs as a user."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import func, select

from fedi.core.errors import UserError
from fedi.core.services import INSTANCE_ACTOR, Services
from fedi.domain import (
    apps,
    auth,
    blocks,
    deletes,
    edits,
    follows,
    notifications,
    pins,
    reactions,
    threads,
    timelines,
)
from fedi.domain.accounts import AccountError, acting_user, create_user, ensure_instance_actor
from fedi.domain.posting import Draft, make_post
from storage.models import Block, Follow, OutboundActivity, Post, Reaction

Act = Callable[[Services, str, str], Awaitable[object]]

# Each command as `username` on alice's post (its id) or on alice herself.
ACTING: dict[str, Act] = {
    "post": lambda svc, name, _: make_post(svc, Draft(name, "a kite")),
    "reply": lambda svc, name, post: make_post(svc, Draft(name, "a kite", in_reply_to=post)),
    "like": lambda svc, name, post: reactions.like(svc, name, post),
    "unlike": lambda svc, name, post: reactions.unlike(svc, name, post),
    "boost": lambda svc, name, post: reactions.boost(svc, name, post),
    "unboost": lambda svc, name, post: reactions.unboost(svc, name, post),
    "follow": lambda svc, name, _: follows.follow(svc, name, "alice"),
    "unfollow": lambda svc, name, _: follows.unfollow(svc, name, "alice"),
    "approve": lambda svc, name, _: follows.decide(svc, name, "alice", approve=True),
    "reject": lambda svc, name, _: follows.decide(svc, name, "alice", approve=False),
    "block": lambda svc, name, _: blocks.block(svc, name, "alice"),
    "unblock": lambda svc, name, _: blocks.unblock(svc, name, "alice"),
    "blocks": lambda svc, name, _: blocks.listing(svc, name),
    "pin": lambda svc, name, post: pins.pin(svc, name, post),
    "unpin": lambda svc, name, post: pins.unpin(svc, name, post),
    "edit": lambda svc, name, post: edits.edit(svc, name, post, edits.Edit(caption="x")),
    "delete": lambda svc, name, post: deletes.delete_post(svc, name, post),
    "delete account": lambda svc, name, _: deletes.delete_account(svc, name),
    "timeline": lambda svc, name, _: timelines.home(svc, name),
    "thread": lambda svc, name, post: threads.context(svc, name, post),
    "notifications": lambda svc, name, _: notifications.listing(svc, name),
    "token": lambda svc, name, _: apps.personal_token(svc, name, "read"),
    "password": lambda svc, name, _: auth.set_password(svc, name, "a long password"),
}


async def _traces(svc: Services) -> list[int]:
    """How many posts, activities, reactions, follows and blocks there are."""
    async with svc.reads() as session:
        return [
            int(await session.scalar(select(func.count()).select_from(table)) or 0)
            for table in (Post, OutboundActivity, Reaction, Follow, Block)
        ]


@pytest.mark.parametrize("command", list(ACTING))
async def test_no_command_acts_as_the_instance_actor(svc: Services, command: str) -> None:
    await create_user(svc, "alice")
    await ensure_instance_actor(svc)  # it exists: refused as reserved, not as unknown
    post = await make_post(svc, Draft("alice", "a lighthouse"))
    before = await _traces(svc)
    with pytest.raises(UserError, match="reserved"):
        await ACTING[command](svc, INSTANCE_ACTOR, post.uri)
    assert await _traces(svc) == before


async def test_unknown_and_deleted_users_do_not_act(svc: Services) -> None:
    await create_user(svc, "alice")
    await ensure_instance_actor(svc)
    async with svc.reads() as session:
        assert (await acting_user(session, "ALICE")).username == "alice"
        with pytest.raises(AccountError, match=r"^no local user 'bob'$"):
            await acting_user(session, "bob")
        with pytest.raises(AccountError, match="reserved"):
            await acting_user(session, "Instance.Actor")
    await deletes.delete_account(svc, "alice")
    async with svc.reads() as session:
        with pytest.raises(AccountError, match="no local user 'alice': the account was deleted"):
            await acting_user(session, "alice")
