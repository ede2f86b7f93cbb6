"""Posting one's own picture from /compose/upload: alt text required, labelled as made by a
person (never machine-made), with the caption, content warning and visibility chosen."""

from __future__ import annotations

import io

from werkzeug.datastructures import FileStorage

from fedi.domain import auth
from fedi.media.pipeline import TRAINED_ALGORITHMIC_MEDIA
from storage import media as stored
from storage.models import MediaAttachment, Post
from tests.support.oauth import PASSWORD, Pair, csrf_of, page, sign_in
from tests.support.pictures import picture


def _file(data: bytes) -> dict[str, FileStorage]:
    return {"picture": FileStorage(io.BytesIO(data), filename="p.png", content_type="image/png")}


async def test_upload_and_post_ones_own_picture(client: Pair) -> None:
    http, svc = client
    await auth.set_password(svc, "alice", PASSWORD)
    await sign_in(http)
    html = await page(http, "/compose/upload")
    assert 'enctype="multipart/form-data"' in html and 'for="alt_text"' in html
    form = {"csrf_token": csrf_of(html), "alt_text": "", "caption": "my sketch"}
    refused = await http.post("/compose/upload", form=form, files=_file(picture()))
    text = await refused.get_data(as_text=True)
    assert refused.status_code == 422 and "alt text" in text and ">my sketch</textarea>" in text
    not_a_picture = {**form, "alt_text": "a sketch"}
    refused = await http.post("/compose/upload", form=not_a_picture, files=_file(b"no picture"))
    assert refused.status_code == 422 and "refused" in await refused.get_data(as_text=True)
    done = await http.post(
        "/compose/upload",
        form={**not_a_picture, "visibility": "private", "sensitive": "on"},
        files=_file(picture()),
    )
    assert done.status_code == 303 and done.headers["Location"].startswith("/@alice/")
    async with svc.reads() as session:
        post = await session.get(Post, int(done.headers["Location"].rsplit("/", 1)[1]))
        rows = (await session.execute(MediaAttachment.__table__.select())).all()
    assert post is not None and (post.visibility, post.sensitive) == ("private", True)
    assert post.prompt is None and "Made with" not in post.content_html
    attached = [row for row in rows if row.post_id == post.id]
    assert [(row.description, row.origin) for row in attached] == [("a sketch", stored.UPLOADED)]
    data = (svc.media_dir / attached[0].file_name).read_bytes()
    assert TRAINED_ALGORITHMIC_MEDIA.encode() not in data
