"""POST /api/v2/media and /api/v1/media, GET and PUT /api/v1/media/:id: an uploaded picture goes
through the media pipeline, is labelled as uploaded (never as machine-made), belongs to its
uploader alone; bounded in bytes and pixels; bad pictures refused with nothing stored."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from PIL import Image
from quart.datastructures import FileStorage
from quart.typing import TestClientProtocol as Client
from sqlalchemy import func, select

from fedi.core.services import Services
from fedi.domain import apps
from fedi.domain.accounts import create_user
from fedi.media.pipeline import TRAINED_ALGORITHMIC_MEDIA
from storage.models import MediaAttachment
from storage.timeutil import utcnow
from tests.support.api_scene import bearer
from tests.support.mastodon_shapes import assert_shape
from tests.support.oauth import Pair
from tests.support.pictures import SVG, bomb, noise, picture

AI_XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><Iptc4xmpExt:DigitalSourceType>'
    + TRAINED_ALGORITHMIC_MEDIA.encode()
    + b"</Iptc4xmpExt:DigitalSourceType></x:xmpmeta>"
)


async def _token(svc: Services, username: str = "alice", scopes: str = "read write") -> str:
    return (await apps.personal_token(svc, username, scopes)).secret


async def upload(
    http: Client,
    token: str | None,
    data: bytes,
    status: int = 200,
    path: str = "/api/v2/media",
    **form: str,
) -> Any:
    """POST a picture as Mastodon apps do (multipart `file`); the JSON answer."""
    response = await http.post(
        path,
        headers=bearer(token) if token else {},
        form=form,
        files={"file": FileStorage(io.BytesIO(data), filename="p.png", content_type="image/png")},
    )
    body = await response.get_data(as_text=True)
    assert response.status_code == status, (response.status_code, body)
    return await response.get_json()


async def _stored(svc: Services) -> tuple[int, list[str]]:
    async with svc.reads() as session:
        rows = await session.scalar(select(func.count()).select_from(MediaAttachment))
    files = sorted(path.name for path in svc.media_dir.iterdir())
    return int(rows or 0), files


async def test_upload_is_a_mastodon_media_attachment(client: Pair) -> None:
    http, svc = client
    token = await _token(svc)
    made = await upload(http, token, picture(), description=" a blue square ", focus="-0.5,0.25")
    assert_shape(made, "media_attachment")
    assert made["type"] == "image" and made["remote_url"] is None
    assert made["description"] == "a blue square"
    assert made["meta"]["original"] == {"width": 64, "height": 48, "size": "64x48", "aspect": 4 / 3}
    assert made["meta"]["focus"] == {"x": -0.5, "y": 0.25}
    assert made["blurhash"] and made["url"].startswith(svc.urls.base)
    async with svc.reads() as session:
        row = await session.get(MediaAttachment, int(made["id"]))
    assert row is not None and row.post_id is None and row.origin == "uploaded"
    served = await http.get(made["url"].removeprefix(svc.urls.base))
    assert served.status_code == 200
    v1 = await upload(http, token, picture(10, 10, "JPEG"), path="/api/v1/media")
    assert v1["url"] and v1["meta"]["original"]["size"] == "10x10"
    assert "focus" not in v1["meta"]
    # Larger than the app's body limit for other paths (the inbox's 1 MB): uploads have theirs.
    big = noise(700)
    assert len(big) > svc.settings.federation.max_inbox_bytes
    assert (await upload(http, token, big))["meta"]["original"]["width"] == 700


async def test_an_upload_is_not_labelled_machine_made(client: Pair) -> None:
    http, svc = client
    # Even when the file claims to be machine-made, what we serve says only "uploaded".
    made = await upload(http, await _token(svc), picture(fmt="JPEG", xmp=AI_XMP))
    stored = (svc.media_dir / made["url"].rsplit("/", 1)[1]).read_bytes()
    assert TRAINED_ALGORITHMIC_MEDIA.encode() not in stored
    assert b"<impasto:Origin>uploaded</impasto:Origin>" in stored
    assert b"AI-generated" not in stored


async def test_get_and_put_are_for_the_owner_only(client: Pair) -> None:
    http, svc = client
    await create_user(svc, "bob")
    alice, bob = await _token(svc), await _token(svc, "bob")
    made = await upload(http, alice, picture())
    path = f"/api/v1/media/{made['id']}"
    shown = await http.get(path, headers=bearer(alice))
    assert (await shown.get_json())["id"] == made["id"]
    changed = await http.put(
        path, headers=bearer(alice), form={"description": "a flag", "focus": "0.1,-1"}
    )
    body = await changed.get_json()
    assert changed.status_code == 200
    assert (body["description"], body["meta"]["focus"]) == ("a flag", {"x": 0.1, "y": -1.0})
    for method in (http.get, http.put):
        other = await method(path, headers=bearer(bob), form={"description": "mine now"})
        assert other.status_code == 404
        assert await other.get_json() == {"error": "Record not found"}
    missing = await http.get("/api/v1/media/99999999", headers=bearer(alice))
    assert missing.status_code == 404
    async with svc.reads() as session:
        row = await session.get(MediaAttachment, int(made["id"]))
    assert row is not None and row.description == "a flag"
    bad_focus = await http.put(path, headers=bearer(alice), form={"focus": "2,0"})
    assert bad_focus.status_code == 422 and "focus" in (await bad_focus.get_json())["error"]


async def test_tokens_and_scopes(client: Pair) -> None:
    http, svc = client
    assert (await upload(http, None, picture(), 401))["error"]
    narrow = await _token(svc, scopes="write:statuses read")
    assert (await upload(http, narrow, picture(), 403))["error"]
    made = await upload(http, await _token(svc, scopes="write:media"), picture())
    refused = await http.get(f"/api/v1/media/{made['id']}", headers=bearer(narrow))
    assert refused.status_code == 403
    assert (await _stored(svc))[0] == 1


async def test_bad_pictures_are_refused_and_nothing_is_kept(client: Pair) -> None:
    http, svc = client
    token = await _token(svc)
    before = await _stored(svc)
    for data, words in (
        (b"hello, not a picture", "not an image"),
        (SVG, "not an image"),
        (picture()[:80], "does not decode"),
        (bomb(), "too many pixels"),
    ):
        refused = await upload(http, token, data, 422)
        assert words in refused["error"], refused
    svc.settings.media.upload_pixels = 1000
    too_big = await upload(http, token, picture(40, 40), 422)
    assert "over the limit of 1000 pixels" in too_big["error"]
    assert await _stored(svc) == before
    no_file = await http.post("/api/v2/media", headers=bearer(token), form={"description": "x"})
    assert no_file.status_code == 422


async def test_oversized_uploads_get_413(client: Pair) -> None:
    http, svc = client
    token = await _token(svc)
    svc.settings.media.upload_bytes = 2000
    before = await _stored(svc)
    # Over the limit, but within the room left for the form: refused after reading the file.
    refused = await upload(http, token, picture(200, 200) + b"\0" * 3000, 413)
    assert "2000 bytes" in refused["error"]
    assert await _stored(svc) == before


async def test_a_body_over_the_upload_limit_is_refused_before_it_is_read(config_path: Any) -> None:
    from fedi.core.settings import load_settings
    from fedi.web.app import create_app

    settings = load_settings(config_path)
    settings.media.upload_bytes = 10_000
    app = create_app(settings, workers=False)
    async with app.test_app() as test_app:
        svc: Services = app.config["IMPASTO_SERVICES"]
        await create_user(svc, "alice")
        http = test_app.test_client()
        token = await _token(svc)
        before = await _stored(svc)
        refused = await upload(http, token, picture() + b"\0" * 200_000, 413)
        assert refused["error"] == f"body larger than {10_000 + 64 * 1024} bytes"
        assert await _stored(svc) == before
        # Within the limit, the same app takes it.
        await upload(http, token, picture())


async def test_an_upload_keeps_no_exif(client: Pair) -> None:
    """A photo's camera and location data are not published with it."""
    http, svc = client
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (1, 2, 3)).save(out, "JPEG", exif=exif.tobytes())
    assert b"SecretCameraMaker" in out.getvalue()
    made = await upload(http, await _token(svc), out.getvalue())
    stored = (svc.media_dir / made["url"].rsplit("/", 1)[1]).read_bytes()
    assert b"SecretCameraMaker" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()


async def test_uploads_no_status_took_go_after_a_day(client: Pair) -> None:
    http, svc = client
    token = await _token(svc)
    old = await upload(http, token, picture())
    kept = await upload(http, token, picture())
    async with svc.sessions.begin() as session:
        row = await session.get(MediaAttachment, int(old["id"]))
        assert row is not None
        row.created_at = utcnow() - timedelta(days=1, minutes=1)
    old_file = svc.media_dir / old["url"].rsplit("/", 1)[1]
    assert old_file.exists()
    await upload(http, token, picture())
    assert not old_file.exists()
    assert (await http.get(f"/api/v1/media/{old['id']}", headers=bearer(token))).status_code == 404
    assert (await http.get(f"/api/v1/media/{kept['id']}", headers=bearer(token))).status_code == 200
