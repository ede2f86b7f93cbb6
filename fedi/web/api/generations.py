"""The generations extension: POST /api/v1/impasto/generations (form or JSON: prompt,
negative_prompt, aspect_ratio, seed, model) answers 202 at once with the queued Generation and
paints it in the background of the server; GET /api/v1/impasto/generations/:id tells the asker
where it is and, once done, gives the MediaAttachment to post with `media_ids[]` (404 for anyone
else); GET /api/v1/impasto/models lists the models one may choose (public, as /api/v1/instance is).
Described in the OpenAPI document at /api/v1/impasto/openapi.json (fedi.web.api.openapi)."""

from __future__ import annotations

from quart import Blueprint, Response, current_app

from fedi.domain import generation_jobs as jobs
from fedi.domain import image_models
from fedi.domain.entities.generations import generation, model
from fedi.web.api.records import install, record_id, refuse_user_errors
from fedi.web.api.scoped import acting_account, scoped
from fedi.web.helpers import error, json_response, services
from fedi.web.params import params, text

bp = Blueprint("api_generations", __name__)
install(bp)
refuse_user_errors(bp)
PATH = "/api/v1/impasto/generations"


@bp.errorhandler(jobs.JobLimit)
async def _over_limit(exc: jobs.JobLimit) -> Response:
    return error(429, str(exc))


def _seed(value: object) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(str(value))
    except ValueError:
        raise jobs.JobError(f"seed must be a whole number, not {value!r}") from None


@bp.post(PATH)
@scoped("write:media")
async def ask() -> Response:
    """Queue a picture; the Generation, state `queued` (202)."""
    svc, me, values = services(), acting_account(), await params()
    job = jobs.Job(
        prompt=text(values, "prompt") or "",
        negative_prompt=text(values, "negative_prompt"),
        aspect_ratio=text(values, "aspect_ratio") or "1:1",
        seed=_seed(values.get("seed")),
        model=text(values, "model"),
    )
    job = jobs.checked(svc, job)
    generation_id = await jobs.ask(svc, me, job)
    current_app.add_background_task(jobs.paint, svc, me.id, generation_id, job)
    row, picture = await jobs.show(svc, me, generation_id)
    return json_response(generation(svc, row, picture), status=202)


@bp.get(f"{PATH}/<generation_id>")
@scoped("read", "write:media")
async def show(generation_id: str) -> Response:
    """Where the asker's generation is; once done, its picture."""
    svc = services()
    row, picture = await jobs.show(svc, acting_account(), record_id(generation_id))
    return json_response(generation(svc, row, picture))


@bp.get("/api/v1/impasto/models")
async def models() -> Response:
    """The models offered here, the default marked; `model` on a generation takes a key."""
    return json_response([model(offered) for offered in await image_models.offered(services())])
