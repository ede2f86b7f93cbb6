"""Fixtures for the sign-in and OAuth tests."""

from __future__ import annotations

import pytest

from fedi.domain import auth
from tests.support.oauth import PASSWORD, Pair


@pytest.fixture
async def site(client: Pair) -> Pair:
    """The in-process app with alice, who has a password."""
    await auth.set_password(client[1], "alice", PASSWORD)
    return client
