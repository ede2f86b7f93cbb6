"""The scene the client API's read tests look at (tests.support.api_scene)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.api_scene import Scene, build
from tests.support.oauth import Pair


@pytest.fixture
async def scene(client: Pair, config_path: Path) -> Scene:
    """alice, bob and carol, their posts, follows, a like, a boost and a pin; tokens."""
    return await build(client[1], config_path)
