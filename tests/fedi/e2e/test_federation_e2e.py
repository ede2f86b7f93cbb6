"""Two real Impasto servers on 127.0.0.1 talking signed HTTP: follow, Accept, post, Undo."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Follow, MediaAttachment, Post
from tests.support.databases import DatabaseFactory
from tests.support.inspect import creates_done, delivery_states, query
from tests.support.servers import Server, free_port, run_cli, wait_for, write_config


def _instance(tmp_path: Path, databases: DatabaseFactory, name: str) -> tuple[Path, int]:
    port = free_port()
    config = write_config(tmp_path / f"{name}.toml", port=port, database_url=databases.new_url())
    run_cli(config, "init")
    return config, port


def test_follow_by_handle_post_and_undo(tmp_path: Path, databases: DatabaseFactory) -> None:
    a_config, a_port = _instance(tmp_path, databases, "a")
    b_config, b_port = _instance(tmp_path, databases, "b")
    run_cli(a_config, "user", "create", "alice", "--display-name", "Alice")
    run_cli(b_config, "user", "create", "bob")
    server_a = Server(a_config, a_port, tmp_path / "a.log").start()
    server_b = Server(b_config, b_port, tmp_path / "b.log").start()
    try:
        # B's user follows A's user by handle: WebFinger, signed actor fetch, signed Follow.
        run_cli(b_config, "follow", "bob", f"alice@127.0.0.1:{a_port}")
        wait_for(lambda: server_a.get("/users/alice/followers")["totalItems"] == 1)
        followers = server_a.get("/users/alice/followers?page=1")["orderedItems"]
        assert followers == [f"http://127.0.0.1:{b_port}/users/bob"]

        # A's Accept reaches B and turns the pending follow into an accepted one.
        async def accepted(session: AsyncSession) -> str | None:
            return await session.scalar(select(Follow.state))

        wait_for(lambda: query(b_config, accepted) == "accepted")

        # A posts from a prompt; B receives the signed Create, stores it and fetches the image.
        post_url = run_cli(
            a_config,
            "post",
            "alice",
            "a red lighthouse on a cliff at dusk",
            "--alt",
            "A red lighthouse",
            "--caption",
            "Evening <walk>",
        ).strip()
        assert post_url.startswith(f"http://127.0.0.1:{a_port}/@alice/")

        async def received(session: AsyncSession) -> tuple[Post, MediaAttachment] | None:
            row = (
                await session.execute(
                    select(Post, MediaAttachment)
                    .join(MediaAttachment)
                    .where(MediaAttachment.file_name.is_not(None))
                )
            ).first()
            return (row[0], row[1]) if row else None

        post, media = wait_for(lambda: query(b_config, received))
        assert post.local is False
        assert post.url == post_url
        assert "Evening &lt;walk&gt;" in post.content_html
        assert media.description == "A red lighthouse"
        assert media.blurhash and media.width == 1024 and media.height == 1024
        assert media.remote_url and media.remote_url.startswith(f"http://127.0.0.1:{a_port}/media/")
        cached = Path(tmp_path / f"media-{b_port}" / media.file_name)
        with Image.open(BytesIO(cached.read_bytes())) as image:
            assert image.size == (1024, 1024)

        # The activity was verified and stored exactly once on B; A recorded the delivery.
        wait_for(lambda: creates_done(b_config) == 1, timeout=10)
        # Accept and Create, each delivered once.
        wait_for(lambda: delivery_states(a_config) == ["delivered"] * 2, timeout=10)

        # Undo: bob unfollows; A removes the follower.
        run_cli(b_config, "unfollow", "bob", f"alice@127.0.0.1:{a_port}")
        wait_for(lambda: server_a.get("/users/alice/followers")["totalItems"] == 0)
    finally:
        server_a.stop()
        server_b.stop()
