"""Discovery, actor documents, content negotiation, collections and media, via the test client."""

from __future__ import annotations

from typing import Any

import pytest
from quart.typing import TestClientProtocol as Client

from fedi.core.services import Services
from fedi.domain.posting import Draft, make_post

AS2 = "application/activity+json"
LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


async def _json(client: Client, path: str, accept: str = AS2) -> Any:
    response = await client.get(path, headers={"Accept": accept})
    assert response.status_code == 200, path
    return await response.get_json(force=True)


async def test_webfinger_acct_and_actor_url(client: tuple[Client, Services]) -> None:
    http, svc = client
    host = svc.settings.instance.host
    response = await http.get(f"/.well-known/webfinger?resource=acct:alice@{host}")
    assert response.status_code == 200
    assert response.content_type.startswith("application/jrd+json")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    doc = await response.get_json(force=True)
    assert doc["subject"] == f"acct:alice@{host}"
    self_link = next(link for link in doc["links"] if link["rel"] == "self")
    assert self_link == {"rel": "self", "type": AS2, "href": svc.urls.actor("alice")}
    # Where alice follows from a page elsewhere (Mastodon's remote follow looks for it).
    subscribe = next(link for link in doc["links"] if link["rel"].endswith("/subscribe"))
    assert subscribe == {
        "rel": "http://ostatus.org/schema/1.0/subscribe",
        "template": f"{svc.urls.base}/authorize_interaction?uri={{uri}}",
    }
    by_url = await http.get(f"/.well-known/webfinger?resource={svc.urls.actor('alice')}")
    assert (await by_url.get_json(force=True))["subject"] == doc["subject"]


@pytest.mark.parametrize(
    ("resource", "status"),
    [
        ("", 400),
        ("acct:alice", 400),
        ("acct:nobody@{host}", 404),
        ("acct:alice@elsewhere.example", 404),
    ],
)
async def test_webfinger_errors(
    client: tuple[Client, Services], resource: str, status: int
) -> None:
    http, svc = client
    resource = resource.format(host=svc.settings.instance.host)
    response = await http.get(f"/.well-known/webfinger?resource={resource}")
    assert response.status_code == status


async def test_actor_document(client: tuple[Client, Services]) -> None:
    http, svc = client
    actor_id = svc.urls.actor("alice")
    for accept in (AS2, LD):
        doc = await _json(http, "/users/alice", accept)
        assert doc["id"] == actor_id and doc["type"] == "Person"
    assert doc["preferredUsername"] == "alice" and doc["name"] == "Alice"
    assert doc["inbox"] == f"{actor_id}/inbox"
    assert doc["outbox"] == f"{actor_id}/outbox"
    assert doc["followers"] == f"{actor_id}/followers"
    assert doc["following"] == f"{actor_id}/following"
    assert doc["featured"] == f"{actor_id}/collections/featured"
    assert doc["endpoints"]["sharedInbox"] == f"{svc.settings.instance.url}/inbox"
    assert doc["publicKey"]["id"] == f"{actor_id}#main-key"
    assert doc["publicKey"]["owner"] == actor_id
    assert doc["publicKey"]["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert doc["manuallyApprovesFollowers"] is False and doc["discoverable"] is True
    assert doc["url"] == svc.urls.profile("alice")
    assert doc["published"].endswith("Z")
    assert doc["icon"]["url"].startswith(f"{svc.settings.instance.url}/media/")


async def test_browsers_get_html(client: tuple[Client, Services]) -> None:
    http, _ = client
    response = await http.get("/users/alice", headers={"Accept": "text/html"})
    assert response.status_code in (302, 303, 307, 308)
    page = await http.get("/@alice", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.content_type.startswith("text/html")
    text = await page.get_data(as_text=True)
    assert "Alice" in text
    assert "script-src 'self';" in page.headers["Content-Security-Policy"]
    assert "unsafe" not in page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]


async def test_unknown_actor_is_404(client: tuple[Client, Services]) -> None:
    http, _ = client
    response = await http.get("/users/nobody", headers={"Accept": AS2})
    assert response.status_code == 404


async def test_nodeinfo(client: tuple[Client, Services]) -> None:
    http, svc = client
    links = await _json(http, "/.well-known/nodeinfo", "application/json")
    hrefs = [link["href"] for link in links["links"]]
    assert hrefs == [
        f"{svc.settings.instance.url}/nodeinfo/2.0",
        f"{svc.settings.instance.url}/nodeinfo/2.1",
    ]
    for version in ("2.0", "2.1"):
        doc = await _json(http, f"/nodeinfo/{version}", "application/json")
        assert doc["version"] == version and doc["usage"]["users"]["total"] == 1
    host_meta = await http.get("/.well-known/host-meta")
    assert "webfinger?resource={uri}" in await host_meta.get_data(as_text=True)


async def test_post_note_create_outbox_and_media(
    client: tuple[Client, Services],
) -> None:
    http, svc = client
    post = await make_post(svc, Draft("alice", "a blue whale <singing>", caption="Hello & bye"))
    note = await _json(http, f"/users/alice/statuses/{post.id}")
    assert note["id"] == post.uri and note["type"] == "Note"
    assert note["attributedTo"] == svc.urls.actor("alice")
    assert note["to"] == ["https://www.w3.org/ns/activitystreams#Public"]
    assert note["cc"] == [f"{svc.urls.actor('alice')}/followers"]
    assert note["url"] == post.url and note["sensitive"] is False
    assert "<p>Hello &amp; bye</p>" in note["content"]
    [image] = note["attachment"]
    assert image["type"] == "Image" and image["mediaType"] == "image/webp"
    assert image["name"] == "AI-generated image of: a blue whale <singing>"
    assert (image["width"], image["height"]) == (1024, 1024) and image["blurhash"]

    create = await _json(http, f"/users/alice/statuses/{post.id}/activity")
    assert create["type"] == "Create" and create["object"]["id"] == post.uri
    assert create["actor"] == svc.urls.actor("alice")

    outbox = await _json(http, "/users/alice/outbox")
    assert outbox["type"] == "OrderedCollection" and outbox["totalItems"] == 1
    page = await _json(http, "/users/alice/outbox?page=true")
    assert page["type"] == "OrderedCollectionPage"
    assert [item["object"]["id"] for item in page["orderedItems"]] == [post.uri]

    media_path = image["url"].removeprefix(svc.settings.instance.url)
    response = await http.get(media_path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/webp"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in response.headers["Cache-Control"]
    html = await http.get(
        post.url.removeprefix(svc.settings.instance.url), headers={"Accept": "text/html"}
    )
    text = await html.get_data(as_text=True)
    assert "a blue whale &lt;singing&gt;" in text and "<singing>" not in text


@pytest.mark.parametrize(
    "name", ["../config.toml", "x.webp", "0" * 32 + ".svg", "0" * 32 + ".webp"]
)
async def test_media_only_serves_generated_names_that_exist(
    client: tuple[Client, Services], name: str
) -> None:
    http, _ = client
    assert (await http.get(f"/media/{name}")).status_code == 404


async def test_collections_are_paged(client: tuple[Client, Services]) -> None:
    http, svc = client
    for name in ("followers", "following"):
        doc = await _json(http, f"/users/alice/{name}")
        assert doc["type"] == "OrderedCollection" and doc["totalItems"] == 0
        page = await _json(http, doc["first"].removeprefix(svc.settings.instance.url))
        assert page["type"] == "OrderedCollectionPage" and page["orderedItems"] == []
    featured = await _json(http, "/users/alice/collections/featured")
    assert featured["type"] == "OrderedCollection" and featured["orderedItems"] == []


@pytest.mark.parametrize(
    ("path", "body", "status", "reason"),
    [
        ("/inbox", b'{"type": "Follow"}', 401, "unauthorized"),
        ("/users/alice/inbox", b'{"type": "Follow"}', 401, "unauthorized"),
        ("/users/nobody/inbox", b"{}", 404, "no such account"),
        ("/inbox", b"x" * 1_000_001, 413, "body larger than 1000000 bytes"),
    ],
    ids=["shared-unsigned", "personal-unsigned", "unknown-account", "too-large"],
)
async def test_inbox_routes_refuse_with_a_reason(
    client: tuple[Client, Services], path: str, body: bytes, status: int, reason: str
) -> None:
    # The same checks as the ASGI front that `impasto serve` puts before Quart
    # (fedi.federation.receive).
    test_client, _ = client
    response = await test_client.post(
        path, data=body, headers={"Content-Type": "application/activity+json"}
    )
    assert response.status_code == status
    assert reason in (await response.get_json())["error"]
