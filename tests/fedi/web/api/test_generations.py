"""The generations extension: asked at once (202, queued), painted in the server's background
under the quota rules, read by the asker alone; the picture it makes is posted with
`media_ids[]` and the status carries the prompt and the model; a server that stops mid-way
leaves it failed with the reason. The OpenAPI document is valid and describes what answers."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate
from quart.typing import TestClientProtocol as Client

from fedi.core.services import Services
from fedi.core.settings import load_settings
from fedi.domain import generation
from fedi.domain.accounts import create_user
from fedi.domain.generation_jobs import ABANDONED
from fedi.media.pipeline import TRAINED_ALGORITHMIC_MEDIA
from fedi.web.api.openapi import DOCUMENT
from fedi.web.app import create_app
from storage import generations
from storage.accounts import local_account
from storage.models import Post
from tests.fedi.web.api.test_media import _token, upload
from tests.support.api_scene import bearer
from tests.support.mastodon_shapes import assert_shape
from tests.support.oauth import Pair
from tests.support.pictures import picture

PATH = "/api/v1/impasto/generations"


def conforms(doc: Any, schema: str) -> None:
    """`doc` matches the OpenAPI document's schema of that name."""
    spec = {"$ref": f"#/components/schemas/{schema}", "components": DOCUMENT["components"]}
    OAS31Validator(spec).validate(doc)


async def ask(http: Client, token: str | None, code: int = 202, **json: Any) -> Any:
    response = await http.post(PATH, headers=bearer(token) if token else {}, json=json)
    body = await response.get_json()
    assert response.status_code == code, (response.status_code, body)
    return body


async def finished(http: Client, token: str, generation_id: str) -> Any:
    """Poll a generation until it is done or failed."""
    for _ in range(400):
        response = await http.get(f"{PATH}/{generation_id}", headers=bearer(token))
        assert response.status_code == 200
        doc = await response.get_json()
        if doc["state"] in ("done", "failed"):
            return doc
        await asyncio.sleep(0.05)
    raise AssertionError(f"generation {generation_id} did not finish: {doc}")


async def test_ask_paint_and_post(client: Pair) -> None:
    http, svc = client
    token = await _token(svc)
    queued = await ask(http, token, prompt=" a lighthouse at dusk ", aspect_ratio="16:9", seed=7)
    conforms(queued, "Generation")
    # The answer is made as the job is handed over: a free worker may have begun it already.
    assert queued["state"] in ("queued", "generating") and queued["media_attachment"] is None
    assert (queued["prompt"], queued["aspect_ratio"]) == ("a lighthouse at dusk", "16:9")
    done = await finished(http, token, queued["id"])
    conforms(done, "Generation")
    assert done["state"] == "done" and done["error"] is None, done
    assert done["model"] and done["seed"] == 7 and done["finished_at"]
    picture_doc = done["media_attachment"]
    assert_shape(picture_doc, "media_attachment")
    assert picture_doc["meta"]["original"]["width"] > picture_doc["meta"]["original"]["height"]
    assert "a lighthouse at dusk" in picture_doc["description"]
    stored = (svc.media_dir / picture_doc["url"].rsplit("/", 1)[1]).read_bytes()
    assert TRAINED_ALGORITHMIC_MEDIA.encode() in stored  # machine-made, and says so

    response = await http.post(
        "/api/v1/statuses",
        headers=bearer(token),
        json={"status": "Evening #sea", "media_ids": [picture_doc["id"]]},
    )
    status = await response.get_json()
    assert response.status_code == 200, status
    assert "Prompt: a lighthouse at dusk" in status["content"]
    assert f"Made with {done['model']}" in status["content"]
    assert status["media_attachments"][0]["id"] == picture_doc["id"]
    async with svc.reads() as session:
        post = await session.get(Post, int(status["id"]))
    assert post is not None and post.prompt == "a lighthouse at dusk" and post.generator_seed == 7
    # Posted, it is posted once.
    again = await http.post(
        "/api/v1/statuses", headers=bearer(token), json={"media_ids": [picture_doc["id"]]}
    )
    assert again.status_code == 422


async def test_one_painted_picture_per_status_with_uploads_beside_it(client: Pair) -> None:
    http, svc = client
    token = await _token(svc)
    painted = [
        (await finished(http, token, (await ask(http, token, prompt=f"a {what}"))["id"]))
        for what in ("cat", "dog")
    ]
    ids = [doc["media_attachment"]["id"] for doc in painted]
    both = await http.post("/api/v1/statuses", headers=bearer(token), json={"media_ids": ids})
    assert both.status_code == 422 and "one painted picture" in (await both.get_json())["error"]
    uploaded = await upload(http, token, picture(), description="my sketch")
    mixed = await http.post(
        "/api/v1/statuses",
        headers=bearer(token),
        json={"status": "sketch and painting", "media_ids": [uploaded["id"], ids[0]]},
    )
    made = await mixed.get_json()
    assert mixed.status_code == 200, made
    assert "Prompt: a cat" in made["content"]
    assert [item["description"] for item in made["media_attachments"]][:1] == ["my sketch"]


async def test_the_askers_alone_and_scopes(client: Pair) -> None:
    http, svc = client
    await create_user(svc, "bob")
    alice, bob = await _token(svc), await _token(svc, "bob")
    queued = await ask(http, alice, prompt="a secret garden")
    assert (await http.get(f"{PATH}/{queued['id']}", headers=bearer(bob))).status_code == 404
    assert (await http.get(f"{PATH}/{queued['id']}")).status_code == 401
    assert (await http.get(f"{PATH}/99999999", headers=bearer(alice))).status_code == 404
    await ask(http, None, 401, prompt="x")
    await ask(http, await _token(svc, scopes="read write:statuses"), 403, prompt="x")
    await ask(http, await _token(svc, scopes="write:media"), prompt="a narrow token")
    await finished(http, alice, queued["id"])


async def test_refusals_and_quota(client: Pair) -> None:
    http, svc = client
    token = await _token(svc)
    for fields, words in (
        ({"prompt": "  "}, "the prompt is empty"),
        ({"prompt": "x", "aspect_ratio": "5:4"}, "aspect_ratio must be one of"),
        ({"prompt": "x", "seed": "seven"}, "seed must be a whole number"),
        ({"prompt": "x", "seed": -1}, "seed must be a whole number"),
        ({"prompt": "x" * 10_001}, "prompt_chars"),
    ):
        assert words in (await ask(http, token, 422, **fields))["error"]
    svc.settings.generator.per_user_hourly_limit = 1
    first = await ask(http, token, prompt="a first picture")
    over = await ask(http, token, 429, prompt="a second picture")
    assert "the limit here is 1" in over["error"]
    await finished(http, token, first["id"])


async def test_a_stopped_servers_generation_ends_failed(config_path: Path) -> None:
    """Queued by a server that stopped before painting it: the next server fails it, with
    the reason, and its asker reads that."""
    settings = load_settings(config_path)
    first = create_app(settings, workers=False)
    async with first.test_app():
        svc: Services = first.config["IMPASTO_SERVICES"]
        await create_user(svc, "alice")
        async with svc.reads() as session:
            alice = await local_account(session, "alice")
        assert alice is not None
        options = generations.Options("1:1")
        orphan = await generation.admit(svc, alice.id, "never painted", options)
        # Left alone: one of `impasto post` (not the API's), and one whose slot a live
        # process still holds.
        async with svc.sessions.begin() as session:
            cli_run = (await generations.add(session, alice.id, "from the CLI", "builtin")).id
        held = await generation.admit(svc, alice.id, "held", options)
        async with svc.sessions.begin() as session:
            assert await generations.try_start(session, held, 5, 600.0, 600.0)
        token = await _token(svc)
    second = create_app(settings, workers=False)
    async with second.test_app() as test_app:
        http = test_app.test_client()
        doc = await (await http.get(f"{PATH}/{orphan}", headers=bearer(token))).get_json()
        svc = second.config["IMPASTO_SERVICES"]
        async with svc.reads() as session:
            states = [await generations.state_of(session, number) for number in (cli_run, held)]
    assert (doc["state"], doc["error"]) == ("failed", ABANDONED)
    assert states == ["queued", "generating"]


async def test_openapi_document(client: Pair) -> None:
    http, svc = client
    response = await http.get("/api/v1/impasto/openapi.json")
    served = await response.get_json()
    assert response.status_code == 200 and served == DOCUMENT
    validate(served)  # a valid OpenAPI 3.1 document
    token = await _token(svc)
    queued = await ask(http, token, prompt="a documented picture")
    for path, item in served["paths"].items():
        for method in item:
            concrete = path.replace("{id}", queued["id"])
            answer = await http.open(
                concrete, method=method.upper(), headers=bearer(token), json={"prompt": "again"}
            )
            expected = next(code for code in item[method]["responses"] if code.startswith("2"))
            assert str(answer.status_code) == expected, (path, method, answer.status_code)
    done = await finished(http, token, queued["id"])
    conforms(done["media_attachment"], "MediaAttachment")


async def test_a_generation_cut_short_by_shutdown_ends_failed(config_path: Path) -> None:
    """A server that stops while a generation waits for its slot fails it, with a reason, and
    frees nothing it did not hold."""
    settings = load_settings(config_path)
    settings.generator.max_concurrent = 1
    app = create_app(settings, workers=False)
    app.config["BACKGROUND_TASK_SHUTDOWN_TIMEOUT"] = 0.5
    async with app.test_app() as test_app:
        svc: Services = app.config["IMPASTO_SERVICES"]
        await create_user(svc, "alice")
        async with svc.reads() as session:
            alice = await local_account(session, "alice")
        assert alice is not None
        # The only slot is held (by another process, as far as this one knows).
        holder = await generation.admit(svc, alice.id, "busy", generations.Options("1:1"))
        async with svc.sessions.begin() as session:
            assert await generations.try_start(session, holder, 1, 600.0, 600.0)
        token = await _token(svc)
        http = test_app.test_client()
        waiting = await ask(http, token, prompt="a patient picture")
        await asyncio.sleep(0.3)
        assert (await finished_or_none(http, token, waiting["id"]))["state"] == "queued"
    after = Services.create(settings)  # the app's closed with it
    try:
        async with after.reads() as session:
            row = await session.get(generations.Generation, int(waiting["id"]))
    finally:
        await after.close()
    assert row is not None and row.state == "failed" and "interrupted" in (row.reason or "")


async def finished_or_none(http: Client, token: str, generation_id: str) -> Any:
    response = await http.get(f"{PATH}/{generation_id}", headers=bearer(token))
    return await response.get_json()
