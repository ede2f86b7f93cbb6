"""Painting from the web app: /compose (a prompt, or a remix of a post), the progress page
of the generation it starts (live over server-sent events, refreshing itself without
JavaScript), the preview with "Paint again", and publishing the picture as a post. Only the
person who asked sees, watches or publishes a generation (404 for anyone else)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from quart import Blueprint, Response, abort, current_app, redirect, request
from werkzeug.wrappers.response import Response as WerkzeugResponse

from fedi.core.errors import UserError
from fedi.core.services import Services
from fedi.domain import composing, image_models
from fedi.domain import generation_jobs as jobs
from fedi.domain.records import RecordNotFound
from fedi.web.helpers import services
from fedi.web.pages.compose_forms import (
    SignIn,
    checked_form,
    job_of,
    page,
    publishing_of,
    quota_words,
    remix_id,
    signed_in,
)
from storage import generations
from storage.models import Account

bp = Blueprint("compose", __name__)
POLL = 0.25  # seconds between looks at a generation the events endpoint watches
WATCH_FOR = 15 * 60.0  # the events stream ends after this long (the page then refreshes)
ENDED = (generations.DONE, generations.FAILED)


@bp.errorhandler(SignIn)
async def _sign_in(exc: SignIn) -> WerkzeugResponse:
    return exc.response


async def _form(
    account: Account, values: dict[str, str], status: int = 200, error: str | None = None
) -> Response:
    svc = services()
    remix = None
    if (source := remix_id(values)) is not None:
        try:
            remix = await composing.remix_source(svc, account, source)
        except RecordNotFound:
            error = error or "That post cannot be remixed: it is not there, or has no prompt."
    if remix is not None and not values.get("prompt"):
        values = {**values, "prompt": remix.prompt}
    return await page(
        "compose.html",
        status,
        values=values,
        remix=remix,
        error=error,
        ratios=list(jobs.ASPECT_RATIOS),
        models=await image_models.offered(svc),
        quota=quota_words(await composing.quota_left(svc, account)),
    )


@bp.get("/compose")
async def compose() -> Response:
    """The form: a prompt (or ?prompt=, or ?remix=<post id>), what to leave out, the shape
    and the seed, the model where several are offered (?model=<key>); the quota left."""
    account = await signed_in()
    values = {key: request.args.get(key, "") for key in ("prompt", "remix", "model")}
    return await _form(account, values)


@bp.post("/compose")
async def start() -> Response | WerkzeugResponse:
    """Start painting in the background; on to its progress page."""
    account = await signed_in()
    form = await checked_form()
    values = {key: form.get(key, "") for key in form if key != "csrf_token"}
    svc = services()
    try:
        job = jobs.checked(svc, job_of(form))
        generation_id = await jobs.ask(svc, account, job)
    except jobs.JobLimit as exc:
        return await _form(account, values, 429, str(exc))
    except image_models.UnknownModel as exc:
        return await _form(account, values, 400, str(exc))
    except UserError as exc:
        return await _form(account, values, 422, str(exc))
    current_app.add_background_task(jobs.paint, svc, account.id, generation_id, job)
    remix = remix_id(values)
    suffix = f"?remix={remix}" if remix is not None else ""
    return redirect(f"/compose/{generation_id}{suffix}", code=303)


async def _generation_page(
    account: Account, generation_id: int, status: int = 200, error: str | None = None
) -> Response:
    svc = services()
    row, picture = await jobs.show(svc, account, generation_id)
    values = {
        "prompt": row.prompt,
        "negative_prompt": row.negative_prompt or "",
        "aspect_ratio": row.aspect_ratio or "1:1",
        "seed": str(row.seed) if row.seed is not None else "",
        "model": row.model_key or "",
        "remix": request.args.get("remix", ""),
    }
    form = await request.form  # a refused publishing form is shown again as it was filled in
    values.update({key: form[key] for key in form if key != "csrf_token"})
    if row.state == generations.FAILED:
        why = f"The picture could not be made: {row.reason or 'the model failed'}"
        return await _form(account, values, 200, why)
    if row.state != generations.DONE or picture is None:
        return await page("compose_progress.html", status, generation=row, values=values)
    remix = None
    if (source := remix_id(values)) is not None:
        remix = await _maybe_remix(svc, account, source)
    return await page(
        "compose_preview.html",
        status,
        generation=row,
        picture=picture,
        values=values,
        remix=remix,
        error=error,
        posted=picture.post_id is not None,
    )


async def _maybe_remix(svc: Services, account: Account, post_id: int) -> composing.Remix | None:
    try:
        return await composing.remix_source(svc, account, post_id)
    except RecordNotFound:
        return None


@bp.get("/compose/<int:generation_id>")
async def progress(generation_id: int) -> Response:
    """Queued, painting or processing (the page follows it); failed (the form again, filled
    in, saying why); or done: the preview and the publishing form."""
    account = await signed_in()
    try:
        return await _generation_page(account, generation_id)
    except RecordNotFound:
        abort(404)


@bp.get("/compose/<int:generation_id>/events")
async def events(generation_id: int) -> Response:
    """Server-sent events for the asker: `state` with {"state", "reason"} at each change,
    ending once the generation is done or failed."""
    account = await signed_in()
    svc = services()
    try:
        await jobs.show(svc, account, generation_id)
    except RecordNotFound:
        abort(404)  # anyone else's
    response = Response(_states(svc, account, generation_id), content_type="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"
    response.timeout = None
    return response


async def _states(svc: Services, account: Account, generation_id: int) -> AsyncIterator[bytes]:
    last, waited = None, 0.0
    while waited < WATCH_FOR:
        row, _ = await jobs.show(svc, account, generation_id)
        if row.state != last:
            last = row.state
            data = json.dumps({"state": row.state, "reason": row.reason})
            yield f"event: state\ndata: {data}\n\n".encode()
        if row.state in ENDED:
            return
        await asyncio.sleep(POLL)
        waited += POLL


@bp.post("/compose/<int:generation_id>/publish")
async def publish(generation_id: int) -> Response | WerkzeugResponse:
    """Post the finished picture; on to the new post's page."""
    account = await signed_in()
    form = await checked_form()
    svc = services()
    try:
        post = await composing.publish_generation(svc, account, generation_id, publishing_of(form))
    except RecordNotFound:
        abort(404)
    except UserError as exc:
        return await _generation_page(account, generation_id, 422, str(exc))
    return redirect(urlsplit(svc.urls.post_page(account.username, post.id)).path, code=303)
