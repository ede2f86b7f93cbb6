"""Rate limits and body bounds on the client API: Mastodon's X-RateLimit headers on every API
response, 429 past a budget, budgets per token and per address kept apart, a new window
after the reset; 413 for a body over the API's bound, without breaking large media uploads."""

from __future__ import annotations

from datetime import UTC, datetime

from quart.typing import TestClientProtocol as Client

from fedi.core.services import Services
from fedi.domain import apps
from fedi.web.ratelimit import Counters
from tests.support.api_scene import bearer

Pair = tuple[Client, Services]
INSTANCE = "/api/v1/instance"
ME = "/api/v1/accounts/verify_credentials"


class Clock:
    """A clock the test moves."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _use(http: Client, clock: Clock) -> None:
    http.app.config["IMPASTO_RATE_COUNTERS"] = Counters(clock=clock)  # type: ignore[attr-defined]


def _from(address: str) -> dict[str, str]:
    # The test client's peer is local, so the proxy's X-Forwarded-For names the client.
    return {"X-Forwarded-For": address}


async def _token(svc: Services) -> dict[str, str]:
    return bearer((await apps.personal_token(svc, "alice", "read write")).secret)


async def test_headers_on_every_api_response_and_decreasing(client: Pair) -> None:
    http, _ = client
    clock = Clock()
    _use(http, clock)
    seen = []
    for _ in range(3):
        response = await http.get(INSTANCE, headers=_from("192.0.2.1"))
        assert response.status_code == 200
        seen.append(int(response.headers["X-RateLimit-Remaining"]))
        assert response.headers["X-RateLimit-Limit"] == "300"
        reset = datetime.fromisoformat(response.headers["X-RateLimit-Reset"].replace("Z", "+00:00"))
        assert 0 < (reset - datetime.fromtimestamp(clock.now, UTC)).total_seconds() <= 300
    assert seen == [299, 298, 297]
    refused = await http.get(ME)  # a 401 carries them too
    assert refused.status_code == 401 and "X-RateLimit-Remaining" in refused.headers
    page = await http.get("/")  # not the API: no headers
    assert "X-RateLimit-Limit" not in page.headers


async def test_429_past_the_limit_and_a_new_window_after_the_reset(client: Pair) -> None:
    http, svc = client
    clock = Clock(1_800_000_000.0)  # a multiple of 300: a window starts here
    _use(http, clock)
    svc.settings.limits.api_requests_per_5_minutes = 3
    headers = await _token(svc)
    for left in (2, 1, 0):
        response = await http.get(ME, headers=headers)
        assert response.status_code == 200
        assert response.headers["X-RateLimit-Remaining"] == str(left)
    refused = await http.get(ME, headers=headers)
    assert refused.status_code == 429
    assert await refused.get_json() == {"error": "Too many requests"}
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert refused.headers["X-RateLimit-Reset"] == "2027-01-15T08:05:00.000Z"
    assert refused.headers["Access-Control-Allow-Origin"] == "*"  # browser apps can read it
    clock.now += 299
    assert (await http.get(ME, headers=headers)).status_code == 429
    clock.now += 1  # the window has ended
    again = await http.get(ME, headers=headers)
    assert again.status_code == 200 and again.headers["X-RateLimit-Remaining"] == "2"


async def test_tokens_and_addresses_have_their_own_budgets(client: Pair) -> None:
    http, svc = client
    _use(http, Clock())
    svc.settings.limits.api_requests_per_5_minutes = 2
    svc.settings.limits.api_anonymous_requests_per_5_minutes = 2
    one, two = await _token(svc), await _token(svc)
    for _ in range(2):
        assert (await http.get(ME, headers={**one, **_from("192.0.2.1")})).status_code == 200
    assert (await http.get(ME, headers={**one, **_from("192.0.2.9")})).status_code == 429
    # another token from the same address, and no token at all, are not touched
    assert (await http.get(ME, headers={**two, **_from("192.0.2.1")})).status_code == 200
    assert (await http.get(INSTANCE, headers=_from("192.0.2.1"))).status_code == 200
    assert (await http.get(INSTANCE, headers=_from("192.0.2.1"))).status_code == 200
    # without a token, by address
    assert (await http.get(INSTANCE, headers=_from("192.0.2.1"))).status_code == 429
    assert (await http.get(INSTANCE, headers=_from("192.0.2.2"))).status_code == 200
    assert (await http.get(ME, headers={**two, **_from("192.0.2.1")})).status_code == 200


async def test_made_up_tokens_count_against_the_address(client: Pair) -> None:
    http, svc = client
    _use(http, Clock())
    svc.settings.limits.api_anonymous_requests_per_5_minutes = 3
    for n in range(3):
        response = await http.get(ME, headers={**bearer(f"guess{n}"), **_from("192.0.2.7")})
        assert response.status_code == 401
    guessed = await http.get(ME, headers={**bearer("guess-again"), **_from("192.0.2.7")})
    assert guessed.status_code == 429
    elsewhere = await http.get(ME, headers={**bearer("guess-again"), **_from("192.0.2.8")})
    assert elsewhere.status_code == 401


async def test_media_uploads_and_deletions_have_smaller_budgets(client: Pair) -> None:
    http, svc = client
    _use(http, Clock())
    svc.settings.limits.media_uploads_per_30_minutes = 2
    svc.settings.limits.status_deletions_per_30_minutes = 1
    headers = await _token(svc)
    for _ in range(2):
        response = await http.post("/api/v2/media", headers=headers)
        assert response.status_code != 429
    assert (await http.post("/api/v2/media", headers=headers)).status_code == 429
    assert (await http.post("/api/v1/media", headers=headers)).status_code == 429  # one budget
    assert (await http.get(ME, headers=headers)).status_code == 200  # the rest of the API
    assert (await http.delete("/api/v1/statuses/1", headers=headers)).status_code != 429
    deleted = await http.delete("/api/v1/statuses/2", headers=headers)
    assert deleted.status_code == 429
    assert deleted.headers["X-RateLimit-Limit"] == "1"


async def test_limit_zero_turns_it_off(client: Pair) -> None:
    http, svc = client
    _use(http, Clock())
    svc.settings.limits.api_anonymous_requests_per_5_minutes = 0
    for _ in range(5):
        response = await http.get(INSTANCE)
        assert response.status_code == 200 and "X-RateLimit-Limit" not in response.headers


async def test_oversized_api_body_is_413(client: Pair) -> None:
    http, svc = client
    headers = await _token(svc)
    big = {"home": {"last_read_id": "1"}, "padding": "x" * (1024 * 1024)}
    response = await http.post("/api/v1/markers", headers=headers, json=big)
    assert response.status_code == 413
    assert await response.get_json() == {"error": "body larger than 1048576 bytes"}
    small = await http.post(
        "/api/v1/markers", headers=headers, json={"home": {"last_read_id": "1"}}
    )
    assert small.status_code == 200


async def test_large_media_upload_is_not_cut_by_the_api_bound(client: Pair) -> None:
    """A 16 MiB upload reaches the media route (another part of the API bounds it); a
    profile change may carry two pictures. The bound holds on the declared length too,
    where the route reads no body. (Quart's test client sends no Content-Length: given here
    as a real client sends it.)"""
    http, svc = client
    token = await _token(svc)

    async def send(method: str, path: str, size: int) -> int:
        headers = {**token, "Content-Type": "application/octet-stream"}
        headers["Content-Length"] = str(size)
        response = await http.open(path, method=method, headers=headers, data=b"\0" * size)
        return response.status_code

    assert await send("POST", "/api/v2/media", 16 * 1024 * 1024) != 413
    assert await send("POST", "/api/v1/media", 16 * 1024 * 1024) != 413
    assert await send("PATCH", "/api/v1/accounts/update_credentials", 3 * 1024 * 1024) != 413
    assert await send("PATCH", "/api/v1/accounts/update_credentials", 5 * 1024 * 1024) == 413
    assert await send("POST", "/api/v1/markers", 2 * 1024 * 1024) == 413
    assert await send("POST", "/api/v2/media", 21 * 1024 * 1024) == 413


def test_counters_stay_bounded() -> None:
    clock = Clock(0.0)
    counters = Counters(max_keys=100, clock=clock)
    for n in range(1000):
        counters.hit(f"k{n}", 5, 300)
    assert len(counters) == 100
    assert counters.peek("k999", 5, 300).remaining == 4  # the newest are kept
    assert counters.peek("k0", 5, 300).remaining == 5  # the oldest forgotten
    clock.now = 300.0
    counters.hit("fresh", 5, 300)
    counters.hit("fresh2", 5, 300)
    assert len(counters) <= 100
