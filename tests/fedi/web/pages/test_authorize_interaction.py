"""/authorize_interaction, where another server's page sends one of our users to follow or
answer: signed in, they land on the account's or the post's page here, local or remote."""

from __future__ import annotations

from urllib.parse import quote

from quart.typing import TestClientProtocol as Client

from fedi.domain.posting import Draft, make_post
from tests.support.oauth import Pair, sign_in
from tests.support.peer import Peer


async def _lands_on(http: Client, uri: str) -> str:
    response = await http.get(f"/authorize_interaction?uri={quote(uri, safe='')}")
    assert response.status_code in (302, 303), uri
    return str(response.headers["Location"])


async def test_a_local_account_and_post_land_on_their_pages(site: Pair) -> None:
    http, svc = site
    post = await make_post(svc, Draft("alice", "a lighthouse at dawn"))
    anonymous = await _lands_on(http, svc.urls.actor("alice"))
    assert anonymous.startswith("/auth/sign_in?next=")  # signed in first
    await sign_in(http)
    assert await _lands_on(http, svc.urls.actor("alice")) == "/@alice"
    assert await _lands_on(http, post.uri) == f"/@alice/{post.id}"


async def test_a_remote_account_lands_on_its_page_here(site: Pair, remote: Peer) -> None:
    http, _ = site
    await sign_in(http)
    mallory = remote.actors["mallory"]
    handle = quote(f"mallory@127.0.0.1:{remote.port}", safe="@")
    assert await _lands_on(http, mallory.id) == f"/@{handle}"
    assert (await http.get(f"/@{handle}")).status_code == 200


async def test_an_address_that_is_nothing_is_404(site: Pair) -> None:
    http, _ = site
    await sign_in(http)
    response = await http.get("/authorize_interaction?uri=nothing-at-all")
    assert response.status_code == 404
