"""What the hosted backends' tests share: no proxy for loopback traffic, and the output host."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.model_hosts import OutputHost


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep loopback test traffic off any proxy named in the environment."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
async def output_host() -> AsyncIterator[OutputHost]:
    """The model's output host (127.0.0.2), running for one test."""
    async with OutputHost.running() as host:
        yield host
