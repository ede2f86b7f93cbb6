"""Fixtures for the admin pages: an admin, root, beside alice (both with a password)."""

from __future__ import annotations

import pytest

from fedi.domain.accounts import create_user
from tests.support.oauth import PASSWORD, Pair


@pytest.fixture
async def admin_site(site: Pair) -> Pair:
    """The in-process app with alice and root (an admin), both with a password."""
    await create_user(site[1], "root", password=PASSWORD, admin=True)
    return site
