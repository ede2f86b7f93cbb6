"""Several image models in config.toml: `[generator.models.KEY]` beside `[generator]` ("main"),
each checked as the main one is, every error naming the model's table; Services makes each
model once, on first use, and closes those that hold connections."""

from __future__ import annotations

from pathlib import Path

import pytest

from fedi.core.services import Services
from fedi.core.settings import ConfigError, Settings, load_settings
from generators.base import BackendConfigError

FLUX = """
[generator]
backend = "builtin"
label = "Sketches"

[generator.models.flux]
label = "FLUX schnell"
backend = "replicate"

[generator.models.flux.options]
model = "black-forest-labs/flux-schnell"
api_token = "r8_test"
"""


def _load(tmp_path: Path, text: str) -> Settings:
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path}/db.sqlite"\n{text}')
    return load_settings(path)


def test_extra_models_load_beside_the_main_one(tmp_path: Path) -> None:
    generator = _load(tmp_path, FLUX).generator
    assert generator.model_keys == ["main", "flux"]
    assert generator.default_model == "main"  # every config from before keeps working
    flux = generator.models["flux"]
    assert (flux.label, flux.backend) == ("FLUX schnell", "replicate")
    assert flux.options == {"model": "black-forest-labs/flux-schnell", "api_token": "r8_test"}
    assert _load(tmp_path, FLUX + '\n[generator.models.flux2]\nbackend = "openai"\n')


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('[generator.models.main]\nbackend = "builtin"\n', "'main' is not a model key"),
        ('[generator.models."Big Model"]\nbackend = "builtin"\n', "'Big Model' is not a model"),
        (
            '[generator.models.flux]\nbakend = "replicate"\n',
            "models.flux.bakend: unknown",
        ),
        ('[generator.models.flux]\nlabel = "F"\n', "generator.models.flux.backend: Field required"),
        ('[generator]\ndefault_model = "flux"\n', "default_model = 'flux' is not a configured"),
    ],
    ids=["main-is-taken", "bad-key", "typo", "no-backend", "unknown-default"],
)
def test_a_bad_model_setting_is_named(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, text)
    assert named in str(caught.value) and "config.toml" in str(caught.value)


async def test_each_model_is_made_once_and_checked_naming_its_table(tmp_path: Path) -> None:
    svc = Services.create(_load(tmp_path, FLUX))
    try:
        flux = svc.generator_for("flux")
        assert (flux.name, flux.model) == ("replicate", "black-forest-labs/flux-schnell")
        assert svc.generator_for("flux") is flux
        assert svc.generator_for("main") is svc.generator
        with pytest.raises(KeyError):
            svc.generator_for("dall-e")
    finally:
        await svc.close()


@pytest.mark.parametrize(
    ("model", "named"),
    [
        ('backend = "dall-e-9000"', "[generator.models.flux] backend = 'dall-e-9000' is not"),
        ('backend = "builtin"\noptions = {colour = "red"}', "[generator.models.flux.options]"),
        ('backend = "replicate"', "[generator.models.flux]: "),
    ],
    ids=["unknown-backend", "unknown-option", "missing-token"],
)
async def test_a_model_that_cannot_load_names_its_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model: str, named: str
) -> None:
    monkeypatch.delenv("REPLICATE_API_TOKEN", raising=False)
    svc = Services.create(_load(tmp_path, f"[generator.models.flux]\n{model}\n"))
    try:
        svc.generator
        with pytest.raises(BackendConfigError) as caught:
            svc.generator_for("flux")
        assert caught.value.reason.startswith(named)
    finally:
        await svc.close()


async def test_close_closes_the_models_that_hold_connections(tmp_path: Path) -> None:
    closed: list[str] = []

    class Holding:
        name, model = "holding", "h"

        async def aclose(self) -> None:
            closed.append(self.name)

    svc = Services.create(_load(tmp_path, FLUX))
    svc._models["flux"] = Holding()  # type: ignore[assignment]
    await svc.close()
    assert closed == ["holding"]
