"""A post painted by the built-in painter says so plainly: on the post and in its provenance."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from fedi.core.services import Services
from fedi.core.settings import load_settings
from fedi.domain.accounts import create_user
from fedi.domain.posting import Draft, make_post
from fedi.media.pipeline import TRAINED_ALGORITHMIC_MEDIA
from storage.models import MediaAttachment
from tests.conftest import _migrate
from tests.fedi.media.test_media import text_of, xmp_of
from tests.support.servers import free_port, write_config

PAINTER = "Impasto built-in painter"


async def test_a_post_from_the_built_in_painter_names_it(tmp_path: Path, db_url: str) -> None:
    path = write_config(tmp_path / "config.toml", port=free_port(), database_url=db_url)
    settings = load_settings(path)
    assert settings.generator.backend == "builtin"
    await _migrate(settings)
    svc = Services.create(settings)
    try:
        await create_user(svc, "alice")
        post = await make_post(svc, Draft("alice", "a red fox in the snow", seed=3))
        async with svc.reads() as session:
            media = (
                await session.execute(
                    select(MediaAttachment).where(MediaAttachment.post_id == post.id)
                )
            ).scalar_one()
        assert media.file_name is not None
        data = (svc.media_dir / media.file_name).read_bytes()
    finally:
        await svc.close()

    # the post's own line, which the Note carries to other servers
    assert f"<p>🎨 Made with {PAINTER} (AI-generated image)</p>" in post.content_html
    assert (post.generator_backend, post.generator_model) == ("builtin", PAINTER)
    # the image's provenance names it too, and is otherwise as for any model
    root = xmp_of(data)
    assert text_of(root, "impasto:Model") == PAINTER
    assert text_of(root, "impasto:Backend") == "builtin"
    assert text_of(root, "Iptc4xmpExt:DigitalSourceType") == TRAINED_ALGORITHMIC_MEDIA
