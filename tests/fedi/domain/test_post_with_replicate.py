"""`impasto post` with the Replicate backend, end to end: a loopback fake of the Replicate API,
its output host serving a real PNG, and two real Impasto servers (A posts, B follows A).

The fakes run on an event loop in a background thread (`hosts_in_thread`): `run_cli` runs the
command in this process with `asyncio.run`, blocking the test's thread while it polls the fake.
"""

from __future__ import annotations

import contextlib
import io
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedi.cli.main import main as cli_main
from fedi.media.pipeline import TRAINED_ALGORITHMIC_MEDIA
from storage.models import Delivery, Follow, Generation, MediaAttachment, Post
from tests.support.databases import DatabaseFactory
from tests.support.inspect import creates_done, delivery_states, query
from tests.support.model_hosts import FakeReplicate, OutputHost, hosts_in_thread
from tests.support.servers import Server, free_port, run_cli, wait_for, write_config

TOKEN = "r8_e2e_token_must_stay_with_the_api"
MODEL = "black-forest-labs/flux-schnell"
PROMPT = "a red lighthouse on a cliff at dusk, oil on canvas"
NS = {
    "Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
    "impasto": "https://impasto.social/ns/1.0/",
}


def real_png(width: int = 768, height: int = 512) -> bytes:
    """A real picture (a colour gradient) as PNG, the kind of file a hosted model returns."""
    red = Image.linear_gradient("L").resize((width, height))
    green = red.transpose(Image.Transpose.ROTATE_90).resize((width, height))
    blue = Image.new("L", (width, height), 140)
    out = io.BytesIO()
    Image.merge("RGB", (red, green, blue)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep loopback traffic (ours and the servers' subprocesses') off any configured proxy."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.delenv("REPLICATE_API_TOKEN", raising=False)


@pytest.fixture
def hosts() -> Iterator[tuple[FakeReplicate, OutputHost]]:
    with hosts_in_thread() as both:
        yield both


def _replicate(api: FakeReplicate) -> dict[str, object]:
    """[generator] for an instance that paints with the fake Replicate."""
    return {
        "backend": "replicate",
        "options": {
            "base_url": api.base_url,
            "api_token": TOKEN,
            "model": MODEL,
            "poll_interval": 0.05,
            "timeout": 30,
        },
    }


def _instance(
    tmp_path: Path,
    databases: DatabaseFactory,
    name: str,
    generator: dict[str, object] | None = None,
) -> tuple[Path, int]:
    port = free_port()
    extra = {"generator": generator} if generator else {}
    config = write_config(
        tmp_path / f"{name}.toml", port=port, database_url=databases.new_url(), **extra
    )
    run_cli(config, "init")
    return config, port


def _xmp(data: bytes) -> ElementTree.Element:
    """The XMP packet of a served image, parsed (Pillow keeps it raw in `info`)."""
    with Image.open(io.BytesIO(data)) as image:
        raw = image.info.get("xmp")
    assert raw, "no XMP packet in the served file"
    return ElementTree.fromstring(raw.decode() if isinstance(raw, bytes) else raw)


def _text(root: ElementTree.Element, path: str) -> str | None:
    found = root.find(f".//{path}", NS)
    return None if found is None else found.text


def test_replicate_post_is_federated_with_provenance(
    tmp_path: Path, databases: DatabaseFactory, hosts: tuple[FakeReplicate, OutputHost]
) -> None:
    api, output_host = hosts
    png = real_png()
    api.output = [output_host.serve("/pbxt/out-0.png", png, "image/png")]
    a_config, a_port = _instance(tmp_path, databases, "a", _replicate(api))
    b_config, b_port = _instance(tmp_path, databases, "b")
    run_cli(a_config, "user", "create", "alice")
    run_cli(b_config, "user", "create", "bob")
    server_a = Server(a_config, a_port, tmp_path / "a.log")
    server_b = Server(b_config, b_port, tmp_path / "b.log")
    try:
        server_a.start()
        server_b.start()
        run_cli(b_config, "follow", "bob", f"alice@127.0.0.1:{a_port}")

        async def accepted(session: AsyncSession) -> str | None:
            return await session.scalar(select(Follow.state))

        wait_for(lambda: query(b_config, accepted) == "accepted")

        # A paints with the (fake) hosted model; the command prints the post's URL.
        post_url = run_cli(a_config, "post", "alice", PROMPT, "--seed", "7").strip()
        assert post_url.startswith(f"http://127.0.0.1:{a_port}/@alice/")

        # The prediction's lifecycle: created with our prompt, polled until it succeeded.
        create, *polls = api.requests
        assert create.path == f"/v1/models/{MODEL}/predictions"
        assert create.headers["Authorization"] == f"Bearer {TOKEN}"
        assert api.bodies[0]["input"] == {"prompt": PROMPT, "aspect_ratio": "1:1", "seed": 7}
        assert [seen.path for seen in polls] == ["/v1/predictions/pred-123"] * 2
        assert api.cancels == []

        # The output host served the image once and never saw a credential.
        assert [seen.path for seen in output_host.requests] == ["/pbxt/out-0.png"]
        assert output_host.secrets_seen(TOKEN) == []

        # The Note A serves: an Image attachment, and a line naming the model.
        path = urllib.parse.urlsplit(post_url).path
        note = server_a.get(path, accept="application/activity+json")
        assert note["type"] == "Note"
        assert "Made with black-forest-labs/flux-schnell (AI-generated image)" in note["content"]
        [attachment] = note["attachment"]
        assert attachment["type"] == "Image"
        assert attachment["mediaType"] == "image/webp"
        assert (attachment["width"], attachment["height"]) == (768, 512)
        media_url = attachment["url"]
        assert media_url.startswith(f"http://127.0.0.1:{a_port}/media/")

        # The file A serves carries the provenance in XMP: AI-made, which model, which prompt.
        status, headers, data = server_a.get_raw(urllib.parse.urlsplit(media_url).path)
        assert status == 200
        assert {name.lower(): value for name, value in headers.items()}["content-type"] == (
            "image/webp"
        )
        with Image.open(io.BytesIO(data)) as image:
            assert (image.format, image.size) == ("WEBP", (768, 512))
        root = _xmp(data)
        assert _text(root, "Iptc4xmpExt:DigitalSourceType") == TRAINED_ALGORITHMIC_MEDIA
        assert TRAINED_ALGORITHMIC_MEDIA.endswith("/trainedAlgorithmicMedia")
        assert _text(root, "impasto:Model") == MODEL
        assert _text(root, "impasto:Backend") == "replicate"
        assert _text(root, "impasto:Prompt") == PROMPT
        assert _text(root, "impasto:Seed") == "7"

        # A's own records: the post's provenance and a finished generation row.
        async def own(session: AsyncSession) -> tuple[Post, Generation]:
            post = (await session.execute(select(Post))).scalar_one()
            generation = (await session.execute(select(Generation))).scalar_one()
            return post, generation

        post, generation = query(a_config, own)
        assert post.url == post_url
        assert (post.generator_backend, post.generator_model, post.generator_seed) == (
            "replicate",
            MODEL,
            7,
        )
        assert post.prompt == PROMPT
        assert (generation.state, generation.backend, generation.model, generation.post_id) == (
            "done",
            "replicate",
            MODEL,
            post.id,
        )

        # B receives the signed Create, stores the post and caches the image.
        async def received(session: AsyncSession) -> tuple[Post, MediaAttachment] | None:
            row = (
                await session.execute(
                    select(Post, MediaAttachment)
                    .join(MediaAttachment)
                    .where(MediaAttachment.file_name.is_not(None))
                )
            ).first()
            return (row[0], row[1]) if row else None

        remote, media = wait_for(lambda: query(b_config, received))
        assert remote.local is False
        assert (remote.uri, remote.url) == (note["id"], post_url)
        assert "Made with black-forest-labs/flux-schnell (AI-generated image)" in (
            remote.content_html
        )
        assert media.remote_url == media_url
        assert (media.width, media.height) == (768, 512)
        cached = (tmp_path / f"media-{b_port}" / str(media.file_name)).read_bytes()
        with Image.open(io.BytesIO(cached)) as image:
            assert image.size == (768, 512)

        wait_for(lambda: creates_done(b_config) == 1, timeout=10)
        wait_for(lambda: delivery_states(a_config) == ["delivered"] * 2, timeout=10)
    finally:
        server_a.stop()
        server_b.stop()
    # Nothing a server wrote to its log carries the token either.
    for log in ("a.log", "b.log"):
        assert TOKEN not in (tmp_path / log).read_text()


def test_model_error_fails_the_post(
    tmp_path: Path,
    databases: DatabaseFactory,
    hosts: tuple[FakeReplicate, OutputHost],
) -> None:
    api, output_host = hosts
    api.statuses = ["starting", "processing", "failed"]
    api.error = "CUDA out of memory while decoding"
    config, _ = _instance(tmp_path, databases, "a", _replicate(api))
    run_cli(config, "user", "create", "alice")
    files_before = sorted(tmp_path.glob("media-*/*"))  # alice's painted avatar

    with pytest.raises(RuntimeError) as caught:
        run_cli(config, "post", "alice", PROMPT)
    message = str(caught.value)
    assert "exited 2" in message
    assert "CUDA out of memory while decoding" in message
    assert TOKEN not in message

    # The prediction ran to its failure; no output was fetched, nothing was cancelled.
    assert [seen.path for seen in api.requests] == [
        f"/v1/models/{MODEL}/predictions",
        "/v1/predictions/pred-123",
        "/v1/predictions/pred-123",
    ]
    assert api.cancels == []
    assert output_host.requests == []

    async def count(session: AsyncSession, model: type[object]) -> int:
        stmt = select(func.count()).select_from(model)
        return int((await session.execute(stmt)).scalar_one())

    async def stored(session: AsyncSession) -> tuple[list[int], Generation]:
        counts = [await count(session, model) for model in (Post, MediaAttachment, Delivery)]
        return counts, (await session.execute(select(Generation))).scalar_one()

    counts, generation = query(config, stored)
    assert counts == [0, 0, 0]  # no post, no media row, nothing queued for delivery
    assert (generation.state, generation.post_id) == ("failed", None)
    assert "CUDA out of memory while decoding" in (generation.reason or "")
    assert sorted(tmp_path.glob("media-*/*")) == files_before, "no image file may be written"


def test_progress_names_the_hosted_model(
    tmp_path: Path, databases: DatabaseFactory, hosts: tuple[FakeReplicate, OutputHost]
) -> None:
    api, output_host = hosts
    api.output = [output_host.serve("/out.png", real_png(64, 64))]
    config, _ = _instance(tmp_path, databases, "a", _replicate(api))
    run_cli(config, "user", "create", "alice")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_main(["--config", str(config), "post", "alice", PROMPT])
    assert code == 0, err.getvalue()
    assert f"generating: replicate ({MODEL})" in err.getvalue()
