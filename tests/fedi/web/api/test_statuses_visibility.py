"""Visibility of local posts made through POST /api/v1/statuses: who may read a followers-only
or direct post (API, pages, ActivityPub documents, timelines), and whose inboxes it is queued
for; unlisted posts stay out of public timelines only."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from quart.typing import TestClientProtocol as Client

from fedi.domain import apps
from tests.support.api_scene import Scene, bearer, cli, get
from tests.support.oauth import Pair
from tests.support.sent import AS2, PUBLIC, mallory_and_trent, sent

PATH = "/api/v1/statuses"


async def _post(http: Client, token: str, code: int = 200, **form: str) -> Any:
    response = await http.post(PATH, headers=bearer(token), form=form)
    assert response.status_code == code, await response.get_data(as_text=True)
    return await response.get_json()


async def _dave(client: Pair, config: Any) -> str:
    """A local user who follows nobody; a read token of theirs."""
    await cli(config, "user", "create", "dave")
    return (await apps.personal_token(client[1], "dave", "read")).secret


async def _status(http: Client, path: str, accept: str | None = None) -> int:
    response = await http.get(path, headers={"Accept": accept} if accept else {})
    return response.status_code


async def _outbox_ids(http: Client) -> list[str]:
    response = await http.get("/users/alice/outbox?page=true", headers={"Accept": AS2})
    page = await response.get_json(force=True)
    return [item["object"]["id"] for item in page["orderedItems"]]


async def test_followers_only_is_read_by_followers_and_nowhere_public(
    client: Pair, scene: Scene, config_path: Any
) -> None:
    http, svc = client
    dave = await _dave(client, config_path)
    made = await _post(
        http, scene.alice_token, status="/paint a secret garden", visibility="private"
    )
    assert made["visibility"] == "private"
    path = f"{PATH}/{made['id']}"
    assert (await get(http, path, scene.bob_token))["id"] == made["id"]  # bob follows alice
    assert (await get(http, path, scene.alice_token))["id"] == made["id"]  # the author
    await get(http, path, dave, status=404)  # not a follower
    await get(http, path, status=404)  # nobody signed in
    await get(http, f"{path}/context", dave, status=404)
    # Not published: no page, no Note, not in the outbox, not on the profile.
    page, note = urlsplit(made["url"]).path, urlsplit(made["uri"]).path
    assert page.startswith("/@alice/") and await _status(http, page) == 404
    assert await _status(http, note, AS2) == 404
    assert await _status(http, f"{note}/activity", AS2) == 404
    assert made["uri"] not in await _outbox_ids(http)
    profile = await (await http.get("/@alice")).get_data(as_text=True)
    assert made["id"] not in profile
    for timeline in ("/api/v1/timelines/public", "/api/v1/timelines/public?local=true"):
        assert made["id"] not in [s["id"] for s in await get(http, timeline, dave)]
    assert made["id"] in [
        s["id"] for s in await get(http, "/api/v1/timelines/home", scene.bob_token)
    ]
    assert made["id"] not in [s["id"] for s in await get(http, "/api/v1/timelines/home", dave)]
    # Nobody can boost it, not even a follower.
    bob_writes = (await apps.personal_token(svc, "bob", "write")).secret
    refused = await http.post(f"{path}/reblog", headers=bearer(bob_writes))
    assert refused.status_code == 422


async def test_followers_only_is_addressed_and_queued_to_followers(
    client: Pair, scene: Scene
) -> None:
    http, svc = client
    mallory, trent = await mallory_and_trent(svc)  # trent (other.example) follows alice
    made = await _post(
        http, scene.alice_token, status="/paint a secret garden", visibility="private"
    )
    [(create, inboxes)] = [
        (a, i) for a, i in await sent(svc, "Create") if a["object"]["id"] == made["uri"]
    ]
    assert create["object"]["to"] == [create["actor"] + "/followers"]
    assert PUBLIC not in create["object"]["to"] + create["object"]["cc"]
    assert PUBLIC not in create["to"] + create["cc"]
    assert inboxes == [trent.shared_inbox_url]  # never remote.example: mallory does not follow
    assert mallory.shared_inbox_url not in inboxes


async def test_direct_reaches_only_those_mentioned(
    client: Pair, scene: Scene, config_path: Any
) -> None:
    http, svc = client
    dave = await _dave(client, config_path)
    mallory, _trent = await mallory_and_trent(svc)  # trent follows alice
    text = "/paint a letter\nfor @dave and @mallory@remote.example"
    made = await _post(http, scene.alice_token, status=text, visibility="direct")
    assert made["visibility"] == "direct"
    path = f"{PATH}/{made['id']}"
    assert (await get(http, path, dave))["id"] == made["id"]  # mentioned
    await get(http, path, scene.bob_token, status=404)  # a follower, not mentioned
    await get(http, path, status=404)
    [(create, inboxes)] = [
        (a, i) for a, i in await sent(svc, "Create") if a["object"]["id"] == made["uri"]
    ]
    assert inboxes == [mallory.inbox_url]  # her own inbox; not trent's server, who follows
    note = create["object"]
    assert sorted(note["to"]) == sorted([mallory.uri, create["actor"].replace("alice", "dave")])
    assert note["cc"] == [] and PUBLIC not in note["to"]
    assert create["object"]["id"] not in await _outbox_ids(http)


async def test_unlisted_is_on_the_profile_not_in_public_timelines(
    client: Pair, scene: Scene, config_path: Any
) -> None:
    http, svc = client
    dave = await _dave(client, config_path)
    made = await _post(http, scene.alice_token, status="/paint a quiet #sea", visibility="unlisted")
    assert made["visibility"] == "unlisted"
    assert (await get(http, f"{PATH}/{made['id']}", dave))["id"] == made["id"]
    assert made["uri"] in await _outbox_ids(http)
    assert made["id"] in await (await http.get("/@alice")).get_data(as_text=True)
    for timeline in ("/api/v1/timelines/public", "/api/v1/timelines/tag/sea"):
        assert made["id"] not in [s["id"] for s in await get(http, timeline, dave)]
    create = next(a for a, _ in await sent(svc, "Create") if a["object"]["id"] == made["uri"])
    assert create["object"]["to"] == [create["actor"] + "/followers"]
    assert PUBLIC in create["object"]["cc"]


async def test_an_unknown_visibility_or_language_is_refused(client: Pair, scene: Scene) -> None:
    http, _ = client
    made = await _post(http, scene.alice_token, status="/paint a cat", language="pt-BR")
    assert made["language"] == "pt-BR"
    refused = await _post(http, scene.alice_token, 422, status="/paint a cat", language="x y z")
    assert "language" in refused["error"]
    refused = await _post(http, scene.alice_token, 422, status="/paint a cat", visibility="friends")
    assert "visibility" in refused["error"]


async def test_edits_and_deletes_keep_to_the_audience(client: Pair, scene: Scene) -> None:
    http, svc = client
    mallory, trent = await mallory_and_trent(svc)  # trent follows alice
    secret = await _post(http, scene.alice_token, status="/paint a vault", visibility="private")
    public = await _post(http, scene.alice_token, status="/paint an open door")
    for made in (secret, public):
        response = await http.put(
            f"{PATH}/{made['id']}", headers=bearer(scene.alice_token), json={"status": "new"}
        )
        assert response.status_code == 200
    updates = {a["object"]["id"]: (a, i) for a, i in await sent(svc, "Update")}
    # The Update of the followers-only post goes to followers, and is not served to anyone.
    update, inboxes = updates[secret["uri"]]
    assert inboxes == [trent.shared_inbox_url] and PUBLIC not in update["to"] + update["cc"]
    assert await _status(http, urlsplit(update["id"]).path, AS2) == 404
    public_update, _ = updates[public["uri"]]
    assert await _status(http, urlsplit(public_update["id"]).path, AS2) == 200
    # A direct post's Delete goes where the post went: mallory's inbox, not the followers'.
    letter = "/paint a letter\nfor @mallory@remote.example"
    made = await _post(http, scene.alice_token, status=letter, visibility="direct")
    response = await http.delete(f"{PATH}/{made['id']}", headers=bearer(scene.alice_token))
    assert response.status_code == 200
    [(_, deleted_to)] = [
        (a, i) for a, i in await sent(svc, "Delete") if a["object"]["id"] == made["uri"]
    ]
    assert deleted_to == [mallory.inbox_url]
