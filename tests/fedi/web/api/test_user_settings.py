"""GET/POST /api/v1/markers and GET /api/v1/preferences: what one app saves another reads,
for the token's user only; scopes as Mastodon's."""

from __future__ import annotations

from typing import Any

from quart.typing import TestClientProtocol as Client

from fedi.core.services import Services
from fedi.domain import apps
from fedi.domain.accounts import create_user
from tests.support.api_scene import bearer
from tests.support.mastodon_shapes import assert_shape

Pair = tuple[Client, Services]
BOTH = "/api/v1/markers?timeline[]=home&timeline[]=notifications"


async def _token(svc: Services, scopes: str = "read write", user: str = "alice") -> dict[str, str]:
    return bearer((await apps.personal_token(svc, user, scopes)).secret)


async def _json(response: Any, status: int = 200) -> Any:
    body = await response.get_json()
    assert response.status_code == status, body
    return body


async def test_markers_saved_and_read_back(client: Pair) -> None:
    http, svc = client
    headers = await _token(svc)
    assert await _json(await http.get(BOTH, headers=headers)) == {}
    form = {"home[last_read_id]": "103194548672408537", "notifications[last_read_id]": "7"}
    saved = await _json(await http.post("/api/v1/markers", headers=headers, form=form))
    assert set(saved) == {"home", "notifications"}
    assert_shape(saved["home"], "marker")
    assert (saved["home"]["last_read_id"], saved["home"]["version"]) == ("103194548672408537", 1)
    # JSON, as web apps send it; only home moves, a version on
    body = {"home": {"last_read_id": "103194548672408999"}}
    moved = await _json(await http.post("/api/v1/markers", headers=headers, json=body))
    assert list(moved) == ["home"] and moved["home"]["version"] == 2
    other_app = await _token(svc, "read")
    both = await _json(await http.get(BOTH, headers=other_app))
    assert both["home"]["last_read_id"] == "103194548672408999"
    assert both["notifications"]["last_read_id"] == "7"
    only_home = await _json(await http.get("/api/v1/markers?timeline[]=home", headers=headers))
    assert list(only_home) == ["home"]


async def test_markers_are_each_users_own(client: Pair) -> None:
    http, svc = client
    await create_user(svc, "bob")
    form = {"home[last_read_id]": "5"}
    await _json(await http.post("/api/v1/markers", headers=await _token(svc), form=form))
    assert await _json(await http.get(BOTH, headers=await _token(svc, user="bob"))) == {}


async def test_unknown_timelines_and_bad_ids_are_ignored(client: Pair) -> None:
    http, svc = client
    headers = await _token(svc)
    form = {"public[last_read_id]": "5", "home[last_read_id]": "9" * 65}
    assert await _json(await http.post("/api/v1/markers", headers=headers, form=form)) == {}
    assert await _json(await http.get(BOTH + "&timeline[]=public", headers=headers)) == {}


async def test_marker_scopes(client: Pair) -> None:
    http, svc = client
    await _json(await http.get(BOTH), 401)
    await _json(await http.post("/api/v1/markers", form={"home[last_read_id]": "1"}), 401)
    await _json(await http.get(BOTH, headers=await _token(svc, "write")), 403)
    read_only = await _token(svc, "read")
    await _json(await http.post("/api/v1/markers", headers=read_only, json={}), 403)
    await _json(await http.get(BOTH, headers=await _token(svc, "read:statuses")))
    writer = await _token(svc, "write:statuses")
    await _json(await http.post("/api/v1/markers", headers=writer, json={}))


async def test_preferences_follow_the_posting_defaults(client: Pair) -> None:
    http, svc = client
    headers = await _token(svc)
    first = await _json(await http.get("/api/v1/preferences", headers=headers))
    assert_shape(first, "preferences")
    assert first["posting:default:visibility"] == "public"
    assert first["posting:default:language"] is None
    source = {"source": {"privacy": "private", "sensitive": True, "language": "fr"}}
    await _json(
        await http.patch("/api/v1/accounts/update_credentials", headers=headers, json=source)
    )
    after = await _json(await http.get("/api/v1/preferences", headers=headers))
    assert (
        after["posting:default:visibility"],
        after["posting:default:sensitive"],
        after["posting:default:language"],
    ) == ("private", True, "fr")


async def test_preferences_need_a_user_token_with_read_accounts(client: Pair) -> None:
    http, svc = client
    await _json(await http.get("/api/v1/preferences"), 401)
    await _json(await http.get("/api/v1/preferences", headers=await _token(svc, "write")), 403)
    await _json(await http.get("/api/v1/preferences", headers=await _token(svc, "read:accounts")))
