"""Mastodon.py against a running `impasto serve`: upload a picture (`media_post`), change its
alt text and focal point (`media_update`), post it (`status_post(media_ids=...)`); a bad
picture and an oversized body refused; a picture painted through the generations extension
(driven with plain HTTP) posted from Mastodon.py, its status and Note carrying the prompt and
the model."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from mastodon import Mastodon, MastodonAPIError

from tests.support.databases import DatabaseFactory, backends
from tests.support.pictures import SVG, picture
from tests.support.servers import Server, free_port, run_cli, write_config

AS2 = {"Accept": "application/activity+json"}
UPLOAD_BYTES = 300_000


@dataclass(frozen=True)
class World:
    """The running server and alice's token."""

    server: Server
    alice: str  # read write


@pytest.fixture(scope="module", params=backends())
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("mastodon_py_media")
    databases = DatabaseFactory(request.param, tmp)
    port = free_port()
    config = write_config(
        tmp / "config.toml",
        port=port,
        database_url=databases.new_url(),
        media={"upload_bytes": UPLOAD_BYTES},
    )
    run_cli(config, "init")
    run_cli(config, "user", "create", "alice")
    token = run_cli(config, "token", "create", "alice", "--scopes", "read", "write").strip()
    running = Server(config, port, tmp / "server.log").start()
    yield World(running, token)
    running.stop()
    databases.drop_all()


def _api(world: World) -> Mastodon:
    return Mastodon(
        access_token=world.alice, api_base_url=world.server.base, version_check_mode="created"
    )


def _note(world: World, uri: str) -> Any:
    response = httpx.get(uri, headers=AS2)
    assert response.status_code == 200
    return response.json()


def test_upload_update_and_post(world: World) -> None:
    api = _api(world)
    media = api.media_post(
        io.BytesIO(picture(80, 60)),
        mime_type="image/png",
        description="a sketch",
        focus=(0.5, -0.25),
    )
    assert media.type == "image" and media.url and media.blurhash
    assert media.description == "a sketch"
    assert (media.meta.focus.x, media.meta.focus.y) == (0.5, -0.25)
    assert media.meta.original.width == 80
    changed = api.media_update(media.id, description="a quick sketch", focus=(0.0, 0.0))
    assert changed.description == "a quick sketch" and changed.meta.focus.x == 0.0
    status = api.status_post("Drawn by hand #sketch", media_ids=[media.id])
    (attachment,) = status.media_attachments
    assert attachment.id == media.id and attachment.description == "a quick sketch"
    assert "Prompt" not in status.content and "AI-generated" not in status.content
    note = _note(world, status.uri)
    assert "Prompt" not in note["content"]
    assert [item["name"] for item in note["attachment"]] == ["a quick sketch"]
    assert httpx.get(attachment.url).status_code == 200


def test_refusals(world: World) -> None:
    api = _api(world)
    with pytest.raises(MastodonAPIError) as bad:
        api.media_post(io.BytesIO(SVG), mime_type="image/svg+xml")
    assert "not an image" in str(bad.value)
    with pytest.raises(MastodonAPIError):
        api.status_post("not mine", media_ids=["99999999"])


def test_an_oversized_upload_is_refused_from_its_headers(world: World) -> None:
    """A body declared larger than `upload_bytes` is answered 413 before any of it is sent
    (written by hand, as tests/fedi/federation/test_inbox_security.py explains)."""

    async def send() -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", world.server.port)
        try:
            head = [
                "POST /api/v2/media HTTP/1.1",
                f"Host: 127.0.0.1:{world.server.port}",
                f"Authorization: Bearer {world.alice}",
                "Content-Type: multipart/form-data; boundary=x",
                f"Content-Length: {UPLOAD_BYTES * 4}",
                "Connection: close",
            ]
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
            await writer.drain()
            return await asyncio.wait_for(reader.readline(), timeout=10)
        finally:
            writer.close()

    status_line = asyncio.run(send())
    assert status_line.split()[1] == b"413", status_line


def test_a_painted_picture_posted_from_an_app(world: World) -> None:
    headers = {"Authorization": f"Bearer {world.alice}"}
    base = f"{world.server.base}/api/v1/impasto/generations"
    asked = httpx.post(
        base, headers=headers, data={"prompt": "a lighthouse at dusk", "aspect_ratio": "3:2"}
    )
    assert asked.status_code == 202, asked.text
    generation = asked.json()
    deadline = time.monotonic() + 30
    while generation["state"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.1)
        generation = httpx.get(f"{base}/{generation['id']}", headers=headers).json()
    assert generation["state"] == "done", generation
    media_id = generation["media_attachment"]["id"]
    status = _api(world).status_post("At the coast", media_ids=[media_id])
    assert status.media_attachments[0].id == media_id
    assert "Prompt: a lighthouse at dusk" in status.content
    assert f"Made with {generation['model']}" in status.content
    note = _note(world, status.uri)
    assert "Prompt: a lighthouse at dusk" in note["content"]
