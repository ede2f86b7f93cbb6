"""Painting and posting from the web app's compose pages: how much of the quota is left,
the prompt a remix starts from, and publishing a finished generation or an uploaded picture
(with its alt text, caption, content warning and visibility) as a post. The pages call these;
the CLI or an API could too. The painting itself is `generation_jobs` (ask, paint, show)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from html import unescape

from fedi.core.errors import UserError
from fedi.core.services import Services
from fedi.domain import generation_jobs, status_reads, uploads
from fedi.domain.media_posts import MediaDraft, post_with_media
from fedi.domain.records import RecordNotFound
from storage import generations
from storage import remixes as stored_remixes
from storage.models import Account, Generation, MediaAttachment, Post
from storage.timeutil import utcnow

# The "Prompt: ..." paragraph an Impasto server puts in a post's text (as2.notes.content_html).
PROMPT_LINE = re.compile(r"<p>Prompt:\s*(.*?)</p>", re.DOTALL | re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")


class NotReady(UserError):
    """The generation has not (or not successfully) made its picture yet."""


@dataclass(frozen=True)
class QuotaLeft:
    """One quota in force: how many more generations it allows now, of how many, and when."""

    left: int
    limit: int
    window: str  # "per hour", "per 24 hours"


@dataclass(frozen=True)
class Remix:
    """What a remix starts from: the source post's prompt, its URI (what the remix links),
    the id the pages know it by and its page here (a remote post's is shown here too)."""

    post_id: int
    uri: str
    url: str
    prompt: str


@dataclass(frozen=True)
class Publishing:
    """What a person fills in to post a picture."""

    alt_text: str
    caption: str = ""
    content_warning: str = ""
    sensitive: bool = False
    visibility: str = "public"
    remix_of: int | None = None  # the id of the post remixed (checked again on publishing)


async def quota_left(svc: Services, account: Account) -> list[QuotaLeft]:
    """The asker's quotas in force ([generator] per_user_hourly_limit, per_user_daily_quota),
    each with how many generations are left in its window."""
    cfg = svc.settings.generator
    windows = (
        (cfg.per_user_hourly_limit, timedelta(hours=1), "per hour"),
        (cfg.per_user_daily_quota, timedelta(days=1), "per 24 hours"),
    )
    now, found = utcnow(), []
    async with svc.reads() as session:
        for limit, window, words in windows:
            if limit:
                used, _ = await generations.started_since(session, account.id, now - window)
                found.append(QuotaLeft(max(0, limit - used), limit, words))
    return found


def prompt_of(post: Post) -> str | None:
    """The prompt a post was painted from: ours, or the "Prompt:" line another Impasto put
    in its text; None for a picture without one."""
    if post.prompt:
        return post.prompt
    found = PROMPT_LINE.search(post.content_html or "")
    if found is None:
        return None
    text = re.sub(r"<br\s*/?>", "\n", found.group(1), flags=re.IGNORECASE)
    return unescape(TAG.sub("", text)).strip() or None


async def remix_source(svc: Services, viewer: Account, post_id: int) -> Remix:
    """The post to remix, if the viewer may read it and it has a prompt; RecordNotFound else."""
    entry = await status_reads.post(svc, viewer, post_id)
    prompt = prompt_of(entry.post)
    if prompt is None:
        raise RecordNotFound(f"post {post_id} has no prompt to remix")
    post = entry.post
    page = (post.url or post.uri) if post.local else f"{svc.urls.base}/posts/{post.id}"
    return Remix(post.id, post.uri, page, prompt)


async def remixes(svc: Services, post: Post, viewer: Account | None) -> list[tuple[Post, Account]]:
    """The remixes of a post the viewer may read, newest first (for `_remixes.html`)."""
    async with svc.reads() as session:
        return await stored_remixes.remixes_of(session, post.uri, viewer.id if viewer else None)


async def finished(
    svc: Services, account: Account, generation_id: int
) -> tuple[Generation, MediaAttachment]:
    """The asker's done generation and its unattached picture; RecordNotFound for anyone
    else's, NotReady for one still painting, failed, or already posted."""
    row, picture = await generation_jobs.show(svc, account, generation_id)
    if row.state != generations.DONE or picture is None:
        raise NotReady(row.reason or "the picture is not ready yet")
    if picture.post_id is not None:
        raise NotReady("this picture is already posted")
    return row, picture


async def _draft(svc: Services, account: Account, form: Publishing, media_id: int) -> MediaDraft:
    remix = await remix_source(svc, account, form.remix_of) if form.remix_of else None
    return MediaDraft(
        account.username,
        form.caption,
        [media_id],
        sensitive=form.sensitive,
        content_warning=form.content_warning,
        visibility=form.visibility,
        remix_of=remix.uri if remix else None,
    )


async def publish_generation(
    svc: Services, account: Account, generation_id: int, form: Publishing
) -> Post:
    """Post the asker's finished picture with the alt text and words given."""
    _, picture = await finished(svc, account, generation_id)
    alt = form.alt_text.strip() or (picture.description or "")
    await uploads.update(svc, account, picture.id, description=alt)
    return await post_with_media(svc, await _draft(svc, account, form, picture.id))


async def publish_upload(svc: Services, account: Account, data: bytes, form: Publishing) -> Post:
    """Store a person's own picture (labelled as not machine-made) and post it; the alt text
    is required."""
    if not form.alt_text.strip():
        raise uploads.UploadError("describe the picture (alt text) for those who cannot see it")
    picture = await uploads.upload(svc, account, data, description=form.alt_text)
    return await post_with_media(svc, await _draft(svc, account, form, picture.id))
