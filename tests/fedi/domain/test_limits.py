"""Input limits, as Mastodon sets them: longer input is refused with the limit and its
setting named, before any picture is paid for; what other servers send is kept, cut to
bounds."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedi.core.settings import load_settings
from fedi.domain.limits import status_length
from storage.models import Account, Generation, MediaAttachment, Post
from tests.support.inspect import deliver_handled, query
from tests.support.peer import Peer, activity
from tests.support.servers import Server, run_cli

ROOT = Path(__file__).resolve().parents[3]
AS = "https://www.w3.org/ns/activitystreams"


def test_the_example_config_states_mastodons_limits() -> None:
    limits = load_settings(ROOT / "config.example.toml").limits
    assert (limits.status_chars, limits.alt_text_chars) == (500, 1500)
    assert (limits.display_name_chars, limits.bio_chars) == (30, 500)
    assert limits.prompt_chars == 10_000
    assert limits.remote_content_bytes == 100_000
    assert (limits.remote_alt_text_chars, limits.remote_display_name_chars) == (10_000, 255)


def test_status_length_counts_as_mastodon_does() -> None:
    assert status_length("hello") == 5
    # A link counts as 23 characters, whatever its length (Mastodon's URL placeholder).
    assert status_length("see https://example.com/" + "a" * 200) == 4 + 23
    # A mention of someone elsewhere counts as its @user part.
    assert status_length("hi @someone@a.very.long.host.example!") == len("hi @someone!")
    assert status_length("") == 0


def _made(config: Path) -> tuple[int, int]:
    """How many posts and generations there are."""

    async def read(session: AsyncSession) -> tuple[int, int]:
        posts = await session.scalar(select(func.count()).select_from(Post))
        made = await session.scalar(select(func.count()).select_from(Generation))
        return int(posts or 0), int(made or 0)

    return query(config, read)


@pytest.fixture
def alice(config_path: Path) -> Path:
    run_cli(config_path, "user", "create", "alice")
    return config_path


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("p", "--caption", "x" * 501),
            r"caption and content warning are 501 characters long; they may be no longer than "
            r"500 characters \(\[limits\] status_chars\)",
        ),
        (("p", "--caption", "x" * 300, "--cw", "w" * 201), r"501 characters.*status_chars"),
        (
            ("p", "--alt", "a" * 1501),
            r"alt text is 1501 characters long.*1500 characters \(\[limits\] alt_text_chars",
        ),
        (
            ("p" * 10_001,),
            r"prompt is 10001 characters long.*10000 characters \(\[limits\] prompt_chars",
        ),
    ],
)
def test_too_long_input_is_refused_before_painting(
    alice: Path, args: tuple[str, ...], message: str
) -> None:
    with pytest.raises(RuntimeError, match=message):
        run_cli(alice, "post", "alice", *args)
    assert _made(alice) == (0, 0)


def test_input_at_the_limits_is_taken(alice: Path) -> None:
    link = "https://example.com/" + "a" * 600  # counts as 23
    run_cli(alice, "post", "alice", "p", "--caption", f"{'x' * 400} {link}", "--cw", "w" * 76)
    run_cli(alice, "post", "alice", "p", "--alt", "a" * 1500)
    run_cli(alice, "user", "create", "bob", "--display-name", "B" * 30)
    assert _made(alice) == (2, 2)


def test_edits_are_held_to_the_same_limits(alice: Path) -> None:
    page = run_cli(alice, "post", "alice", "p", "--caption", "x" * 400).strip()
    with pytest.raises(RuntimeError, match=r"501 characters.*status_chars"):
        run_cli(alice, "edit", "alice", page, "--cw", "w" * 101)
    with pytest.raises(RuntimeError, match=r"501 characters.*status_chars"):
        run_cli(alice, "edit", "alice", page, "--caption", "x" * 501)
    with pytest.raises(RuntimeError, match=r"alt text.*alt_text_chars"):
        run_cli(alice, "edit", "alice", page, "--alt", "a" * 1501)
    run_cli(alice, "edit", "alice", page, "--cw", "w" * 100)


def test_a_long_display_name_is_refused(alice: Path) -> None:
    with pytest.raises(
        RuntimeError,
        match=r"display name is 31 characters long.*30 characters \(\[limits\] display_name_",
    ):
        run_cli(alice, "user", "create", "bob", "--display-name", "B" * 31)


def test_the_limits_are_settings(alice: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMPASTO_LIMITS__STATUS_CHARS", "10")
    with pytest.raises(
        RuntimeError, match=r"no longer than 10 characters \(\[limits\] status_chars\)"
    ):
        run_cli(alice, "post", "alice", "p", "--caption", "x" * 11)


def _remote_copy(server: Server, uri: str) -> dict[str, Any] | None:
    async def read(session: AsyncSession) -> dict[str, Any] | None:
        post = await session.scalar(select(Post).where(Post.uri == uri))
        if post is None:
            return None
        author = await session.get(Account, post.account_id)
        alt = await session.scalar(
            select(MediaAttachment.description).where(MediaAttachment.post_id == post.id)
        )
        assert author is not None
        return {
            "content": post.content_html,
            "summary": post.spoiler_text,
            "alt": alt,
            "name": author.display_name,
        }

    return query(server.config, read)


async def test_long_remote_content_is_kept_cut_to_bounds(server: Server, remote: Peer) -> None:
    mallory = remote.actors["mallory"]
    mallory.display_name = "M" * 3000  # Mastodon keeps 2,048; our column holds 255
    note = {
        "id": f"{mallory.id}/notes/1",
        "type": "Note",
        "attributedTo": mallory.id,
        "content": "<p>" + "é" * 80_000 + " <b>bold</b></p>",  # 160,000 bytes
        "summary": "w" * 150_000,
        "sensitive": True,
        "to": [f"{AS}#Public"],
        "tag": [
            {"type": "Mention", "href": f"{server.base}/users/alice"},
            {"type": "Hashtag", "name": "#long"},
        ],
        "attachment": [
            {
                "type": "Image",
                "mediaType": "image/png",
                "url": f"{mallory.id}/1.png",
                "name": "a" * 12_000,
            }
        ],
    }
    assert await deliver_handled(server, mallory, activity("Create", mallory, note, 1)) == "done"
    copy = await asyncio.to_thread(_remote_copy, server, note["id"])
    assert copy is not None
    assert 99_000 < len(copy["content"].encode()) <= 100_000
    assert copy["content"].startswith("<p>éé") and copy["content"].endswith("…</p>")
    assert 99_000 < len(copy["summary"].encode()) <= 100_000 and copy["summary"].endswith("…")
    assert len(copy["alt"]) == 10_000 and len(copy["name"]) == 255

    # The tag page shows the warning cut short; the post itself is on its server.
    status, _, body = await asyncio.to_thread(server.get_raw, "/tags/long", "text/html")
    assert status == 200 and len(body) < 20_000
    assert "w" * 100 in body.decode() and "w" * 1000 not in body.decode()
