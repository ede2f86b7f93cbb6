"""Finding an account from a name, handle or actor URL. Whatever names our own origin is the
local row, never looked up over HTTP (no server runs in these tests: a lookup of ourselves
would fail) and never overwritten by a fetched copy. By handle, a handle's server may point at
an actor on another server only when that server confirms the handle (Mastodon's check), so
nobody can put any account behind a name of their choosing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from activitypub.actors import ActorParseError
from fedi.core.services import Services
from fedi.domain.accounts import create_user, ensure_instance_actor
from fedi.domain.mentions import find_accounts
from fedi.federation.actors import fetch_actor, get_actor
from fedi.federation.resolver import AccountNotFound, find_account, names
from storage.models import Account
from tests.support.peer import Peer, PeerActor


@pytest.fixture
async def instance(svc: Services) -> Services:
    await ensure_instance_actor(svc)  # fetches are signed by the instance actor
    return svc


@pytest.fixture
async def peer() -> AsyncIterator[Peer]:
    fake = await Peer().start()
    fake.add_actor("mallory")
    yield fake
    await fake.stop()


@dataclass
class Front:
    """A WebFinger-only host on 127.0.0.2 that answers every handle with `actor`, under
    `subject` (default: alice@front)."""

    actor: str
    host: str = ""
    subject: str | None = None


@pytest.fixture
async def front(peer: Peer) -> AsyncIterator[Front]:
    """A front host that names mallory (on 127.0.0.1) as its alice."""
    answers = Front(peer.actors["mallory"].id)

    async def webfinger(request: web.Request) -> web.Response:
        doc = {
            "subject": f"acct:{answers.subject or f'alice@{request.host}'}",
            "links": [{"rel": "self", "type": "application/activity+json", "href": answers.actor}],
        }
        return web.json_response(doc, content_type="application/jrd+json")

    app = web.Application()
    app.router.add_get("/.well-known/webfinger", webfinger)
    server = TestServer(app, host="127.0.0.2")
    await server.start_server()
    answers.host = f"127.0.0.2:{server.port}"
    yield answers
    await server.close()


async def test_a_handle_on_another_domain_needs_the_actors_server_to_agree(
    instance: Services, peer: Peer, front: Front
) -> None:
    mallory: PeerActor = peer.actors["mallory"]
    with pytest.raises(AccountNotFound, match="does not confirm that handle"):
        await find_account(instance, f"alice@{front.host}")

    mallory.handle = f"alice@{front.host}"  # mallory's server now says alice@front is hers
    account = await find_account(instance, f"alice@{front.host}")
    assert account.uri == mallory.id


async def test_an_alias_is_followed_to_the_handle_its_server_names(
    instance: Services, peer: Peer, front: Front
) -> None:
    """alias@front says its canonical handle is mallory@peer, and mallory@peer's own
    WebFinger agrees: mallory it is, as Mastodon finds her."""
    front.subject = f"mallory@127.0.0.1:{peer.port}"
    account = await find_account(instance, f"alias@{front.host}")
    assert account.uri == peer.actors["mallory"].id


async def test_an_alias_on_the_actors_server_means_the_actor_its_canonical_handle_names(
    instance: Services, peer: Peer
) -> None:
    """old@peer answers as trent@peer (while linking mallory): the canonical handle's own
    answer names the actor, trent, as Mastodon takes it."""
    trent = peer.add_actor("trent")
    peer.actors["old"] = peer.actors["mallory"]
    peer.actors["mallory"].handle = f"trent@127.0.0.1:{peer.port}"
    account = await find_account(instance, f"old@127.0.0.1:{peer.port}")
    assert account.uri == trent.id


@pytest.mark.parametrize("canonical", ["nobody", "redirects"])
async def test_an_alias_whose_canonical_handle_does_not_agree_is_refused(
    instance: Services, peer: Peer, front: Front, canonical: str
) -> None:
    """The canonical handle must be one its own server answers as: not unknown there, and
    not a further redirect."""
    front.subject = f"{canonical}@127.0.0.1:{peer.port}"
    redirecting = peer.add_actor("redirects")
    redirecting.handle = f"mallory@127.0.0.1:{peer.port}"
    with pytest.raises(AccountNotFound, match=f"{canonical}@127.0.0.1:{peer.port}"):
        await find_account(instance, f"alias@{front.host}")


async def test_a_handle_on_the_actors_own_server_needs_no_second_lookup(
    instance: Services, peer: Peer
) -> None:
    account = await find_account(instance, f"mallory@127.0.0.1:{peer.port}")
    assert account.uri == peer.actors["mallory"].id


@pytest.fixture
async def zed(instance: Services) -> Account:
    return await create_user(instance, "zed")


async def test_every_name_of_a_local_user_is_its_local_row(
    instance: Services, zed: Account
) -> None:
    base, host = instance.urls.base, instance.settings.instance.host
    scheme, _, rest = base.partition("://")
    references = [
        "zed",
        "@ZED",
        f"zed@{host}",
        f"@zed@{host.upper()}",
        f"acct:zed@{host}",
        f"{base}/users/zed",
        f"{scheme.upper()}://{rest}/users/zed/",
        f"{base}/@zed",
    ]
    for reference in references:
        account = await find_account(instance, reference)
        assert (account.id, account.domain, account.fetched_at) == (zed.id, None, None), reference
        assert names(instance, zed, reference), reference
    assert not names(instance, zed, "zed@remote.example")
    assert not names(instance, zed, f"zed@x@{host}")
    assert not names(instance, zed, "https://remote.example/users/zed")


async def test_what_names_no_local_account_is_refused_without_a_lookup(
    instance: Services, zed: Account
) -> None:
    base, host = instance.urls.base, instance.settings.instance.host
    for reference, reason in [
        ("nobody", "no local user"),
        (f"nobody@{host}", "no local user"),
        (f"{base}/users/nobody", "no local user"),
        ("instance.actor", "no local user"),
        (f"{base}/users/zed/statuses/1", "not an account on this server"),
        ("@", "names nobody"),
    ]:
        with pytest.raises(AccountNotFound, match=reason):
            await find_account(instance, reference)


async def test_a_local_account_is_never_fetched_nor_overwritten(
    instance: Services, zed: Account
) -> None:
    """The path that made zed a remote account: get_actor of his own URL found him with no
    `fetched_at`, fetched our own document and stored it over him."""
    assert (await get_actor(instance, zed.uri)).id == zed.id
    for uri in (zed.uri, f"{instance.urls.base}/users/nobody"):
        with pytest.raises(ActorParseError, match="on this server"):
            await fetch_actor(instance, uri)
    async with instance.reads() as session:
        stored = await session.get(Account, zed.id)
    assert stored is not None and (stored.domain, stored.fetched_at) == (None, None)


async def test_a_foreign_handle_pointing_at_a_local_user_is_refused(
    instance: Services, zed: Account, front: Front
) -> None:
    front.actor = zed.uri
    with pytest.raises(AccountNotFound, match="a user of this server"):
        await find_account(instance, f"alice@{front.host}")


@pytest.fixture
async def lemmy(peer: Peer) -> AsyncIterator[str]:
    """A Lemmy-like server on 127.0.0.3 with a user and a community both called foo; its
    WebFinger answers foo with the community. Returns its host."""
    keys = peer.actors["mallory"]
    docs: dict[str, dict[str, object]] = {}

    async def actor(request: web.Request) -> web.Response:
        return web.json_response(docs[request.path], content_type="application/activity+json")

    async def webfinger(request: web.Request) -> web.Response:
        doc = {
            "subject": f"acct:foo@{request.host}",
            "links": [{"rel": "self", "type": "application/activity+json", "href": group}],
        }
        return web.json_response(doc, content_type="application/jrd+json")

    app = web.Application()
    app.router.add_get("/u/foo", actor)
    app.router.add_get("/c/foo", actor)
    app.router.add_get("/.well-known/webfinger", webfinger)
    server = TestServer(app, host="127.0.0.3")
    await server.start_server()
    host = f"127.0.0.3:{server.port}"
    for path, kind in (("/u/foo", "Person"), ("/c/foo", "Group")):
        uri = f"http://{host}{path}"
        docs[path] = {
            **keys.document(),
            "id": uri,
            "type": kind,
            "preferredUsername": "foo",
            "inbox": f"{uri}/inbox",
            "outbox": f"{uri}/outbox",
            "followers": f"{uri}/followers",
            "url": uri,
            "endpoints": {"sharedInbox": f"http://{host}/inbox"},
            "publicKey": {"id": f"{uri}#main-key", "owner": uri, "publicKeyPem": keys.public_pem},
        }
    group = f"http://{host}/c/foo"
    yield host
    await server.close()


async def test_a_user_and_a_community_of_one_name_both_arrive(
    instance: Services, lemmy: str
) -> None:
    """Remote accounts are keyed by their actor id: a second actor under a name its server
    gave another is stored too, and the handle means the one WebFinger names."""
    person = await get_actor(instance, f"http://{lemmy}/u/foo")
    group = await get_actor(instance, f"http://{lemmy}/c/foo")
    assert person.id != group.id
    assert (person.actor_type, group.actor_type) == ("Person", "Group")
    assert (await find_account(instance, f"foo@{lemmy}")).id == group.id
    found = await find_accounts(instance, [f"foo@{lemmy}"])
    assert found[f"foo@{lemmy}"].id == group.id
