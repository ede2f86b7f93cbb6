"""A second image model for tests: `flat`, a tiny backend installed as its own distribution
(an `impasto.generators` entry point, as a third party's would be) that paints one colour and
names its model as its options say, so a test can tell which model painted a picture."""

from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path

import pytest

from fedi.core.sections import ModelSettings
from fedi.core.services import Services
from generators.registry import GROUP

MODULE = "flat_backend_mod"
SOURCE = textwrap.dedent(
    '''
    """One colour, any size: a model a test can recognise by name."""

    import io

    from PIL import Image

    from generators.base import GeneratedImage, GenerationMetadata


    class FlatGenerator:
        name = "flat"

        def __init__(self, colour="teal", model="flat-1"):
            self.colour = colour
            self.model = model

        async def generate(self, request):
            out = io.BytesIO()
            Image.new("RGB", (request.width, request.height), self.colour).save(out, "PNG")
            metadata = GenerationMetadata("flat", self.model, "1", request.seed, 0.0, None)
            return GeneratedImage(out.getvalue(), "image/png", metadata)
    '''
)


def install_flat(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Install the `flat` backend for this test (undone by the monkeypatch)."""
    (folder / f"{MODULE}.py").write_text(SOURCE)
    dist_info = folder / "flat_backend-0.1.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: flat-backend\nVersion: 0.1\n")
    (dist_info / "entry_points.txt").write_text(f"[{GROUP}]\nflat = {MODULE}:FlatGenerator\n")
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.delitem(sys.modules, MODULE, raising=False)
    importlib.invalidate_caches()


def offer_flat(svc: Services, model: str = "flat-xl", label: str = "Flat XL") -> None:
    """Offer `flat` (painting as `model`) beside the built-in painter, under the key "flat"."""
    svc.settings.generator.models = {
        "flat": ModelSettings(label=label, backend="flat", options={"model": model})
    }
