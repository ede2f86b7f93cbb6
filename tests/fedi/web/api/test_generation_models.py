"""The API extension's models: GET /api/v1/impasto/models lists the models offered (the default
marked, as the OpenAPI document describes them); `model` on POST /api/v1/impasto/generations
picks one, an unknown key is refused; left out, the default paints (the one an admin chose)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fedi.domain import instance_settings
from tests.fedi.web.api.test_generations import ask, conforms, finished
from tests.fedi.web.api.test_media import _token
from tests.support.models import install_flat, offer_flat
from tests.support.oauth import Pair

MODELS = "/api/v1/impasto/models"


async def test_one_model_is_listed_as_the_default(client: Pair) -> None:
    http, _ = client
    response = await http.get(MODELS)  # public, as /api/v1/instance is
    assert response.status_code == 200
    listed = await response.get_json()
    assert listed == [{"key": "main", "label": "Impasto built-in painter", "default": True}]
    conforms(listed[0], "Model")


async def test_model_picks_the_painter(
    client: Pair, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    http, svc = client
    install_flat(tmp_path, monkeypatch)
    offer_flat(svc)
    listed = await (await http.get(MODELS)).get_json()
    assert [(m["key"], m["label"], m["default"]) for m in listed] == [
        ("main", "Impasto built-in painter", True),
        ("flat", "Flat XL", False),
    ]
    token = await _token(svc)
    queued = await ask(http, token, prompt="a pond", model="flat")
    assert queued["backend"] == "flat"
    done = await finished(http, token, queued["id"])
    assert (done["state"], done["model"]) == ("done", "flat-xl")
    refused = await ask(http, token, 422, prompt="a pond", model="dall-e-9000")
    assert refused["error"] == "model must be one of main, flat, not 'dall-e-9000'"

    plain = await finished(http, token, (await ask(http, token, prompt="a pond"))["id"])
    assert plain["backend"] == "builtin"
    changes = instance_settings.Changes(
        svc.settings.instance.description, "", "200", "closed", default_model="flat"
    )
    await instance_settings.save(svc, changes)
    assert [m["default"] for m in await (await http.get(MODELS)).get_json()] == [False, True]
    after = await finished(http, token, (await ask(http, token, prompt="a pond"))["id"])
    assert (after["backend"], after["model"]) == ("flat", "flat-xl")
