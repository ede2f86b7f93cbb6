"""Whose inboxes a local post goes to: a public or unlisted remix also reaches the server of
the post it remixes (so that post lists it); a followers-only or direct one does not."""

from __future__ import annotations

import pytest

from fedi.core.services import Services
from fedi.domain.accounts import create_user
from fedi.domain.posting import Draft, make_post
from fedi.federation.audience import post_inboxes
from tests.support.sent import remote, remote_post


@pytest.mark.parametrize(
    ("visibility", "reached"),
    [("public", True), ("unlisted", True), ("private", False), ("direct", False)],
)
async def test_a_remix_reaches_its_sources_server(
    svc: Services, visibility: str, reached: bool
) -> None:
    alice = await create_user(svc, "alice")
    mallory = await remote(svc, "mallory", "remote.example")
    theirs = await remote_post(svc, mallory, 1, "public")
    ours = await make_post(svc, Draft("alice", "a lighthouse"))
    async with svc.reads() as session:
        remix = await post_inboxes(session, alice.id, visibility, [], theirs.uri)
        of_ours = await post_inboxes(session, alice.id, visibility, [], ours.uri)
        unknown = await post_inboxes(session, alice.id, visibility, [], "https://x.example/1")
        plain = await post_inboxes(session, alice.id, visibility, [])
    assert remix == (["https://remote.example/inbox"] if reached else [])
    assert of_ours == unknown == plain == []
