"""A remote account's page, /@user@host: what this server knows of it, and following it from
there (a CSRF-checked form); /@user@ourhost is the local page."""

from __future__ import annotations

from fedi.core.services import Services
from fedi.domain.search import Query, search
from fedi.federation.actors import fetch_actor
from storage import blocks, follows
from storage.accounts import by_uri, local_account
from tests.support.oauth import Pair, csrf_of, page, sign_in
from tests.support.peer import Peer


async def _stored(svc: Services, remote: Peer) -> str:
    """Mallory stored here (as a search by someone signed in stores her); her handle."""
    handle = f"mallory@127.0.0.1:{remote.port}"
    async with svc.reads() as session:
        alice = await local_account(session, "alice")
    found = await search(svc, alice, Query(text=handle, resolve=True))
    assert [account.username for account in found.accounts] == ["mallory"]
    return handle


async def test_a_visitor_reads_the_page_and_is_asked_to_sign_in(site: Pair, remote: Peer) -> None:
    http, svc = site
    handle = await _stored(svc, remote)
    html = await page(http, f"/@{handle}")
    assert "<h1>mallory</h1>" in html or "<h1>Mallory</h1>" in html
    assert f"@{handle}" in html and "<strong>0</strong> followers here" in html
    assert "Sign in</a> to follow" in html and 'action="/@' not in html
    assert 'class="avatar initial"' in html  # her picture is on her server: not loaded here
    refused = await http.post(f"/@{handle}/follow", form={})
    assert refused.status_code == 303
    assert refused.location == f"/auth/sign_in?next=/@{handle}"


async def test_follow_and_unfollow_from_the_page(site: Pair, remote: Peer) -> None:
    http, svc = site
    handle = await _stored(svc, remote)
    await sign_in(http)
    html = await page(http, f"/@{handle}")
    assert f'action="/@{handle}/follow"' in html
    forged = await http.post(f"/@{handle}/follow", form={"csrf_token": "forged"})
    assert forged.status_code == 403
    done = await http.post(f"/@{handle}/follow", form={"csrf_token": csrf_of(html)})
    assert done.status_code == 303 and done.location == f"/@{handle}"
    async with svc.reads() as session:
        alice = await local_account(session, "alice")
        mallory = await by_uri(session, remote.actors["mallory"].id)
        assert alice and mallory
        row = await follows.get(session, alice.id, mallory.id)
        assert row is not None and row.state == "pending"  # until her server accepts
    html = await page(http, f"/@{handle}")
    assert "Requested · cancel" in html and f'action="/@{handle}/unfollow"' in html
    await http.post(f"/@{handle}/unfollow", form={"csrf_token": csrf_of(html)})
    async with svc.reads() as session:
        assert await follows.get(session, alice.id, mallory.id) is None


async def test_unknown_accounts_are_not_found_and_our_host_is_the_local_page(
    site: Pair,
) -> None:
    http, svc = site
    assert (await http.get("/@nobody@unknown.example")).status_code == 404
    ours = await http.get(f"/@alice@{svc.settings.instance.host}")
    assert ours.status_code == 301 and ours.location == "/@alice"


async def test_the_bio_is_kept_sanitised_and_shown_and_follows_updates(
    site: Pair, remote: Peer
) -> None:
    http, svc = site
    mallory = remote.actors["mallory"]
    mallory.summary = '<p>Paints <a href="javascript:alert(1)">herons</a></p><script>x()</script>'
    handle = await _stored(svc, remote)
    html = await page(http, f"/@{handle}")
    assert "<p>Paints <a" in html and "herons</a></p>" in html
    assert "javascript:" not in html and "<script>x()" not in html
    async with svc.reads() as session:
        stored = await by_uri(session, mallory.id)
    assert stored is not None and "Paints" in stored.summary and "script" not in stored.summary
    entity = await (await http.get(f"/api/v1/accounts/{stored.id}")).get_json()
    assert entity["note"] == stored.summary  # the API's `note` too

    mallory.summary = "<p>Now paints foxes</p>"  # her server's Update makes us fetch it again
    await fetch_actor(svc, mallory.id)
    html = await page(http, f"/@{handle}")
    assert "<p>Now paints foxes</p>" in html and "herons" not in html


async def test_block_and_unblock_from_the_page(site: Pair, remote: Peer) -> None:
    http, svc = site
    handle = await _stored(svc, remote)
    await sign_in(http)
    html = await page(http, f"/@{handle}")
    assert f'action="/@{handle}/block"' in html
    forged = await http.post(f"/@{handle}/block", form={"csrf_token": "forged"})
    assert forged.status_code == 403
    form = {"csrf_token": csrf_of(html), "next": f"/@{handle}"}
    done = await http.post(f"/@{handle}/block", form=form)
    assert done.status_code == 303 and done.location == f"/@{handle}"
    async with svc.reads() as session:
        alice = await local_account(session, "alice")
        mallory = await by_uri(session, remote.actors["mallory"].id)
        assert alice and mallory
        assert await blocks.get(session, alice.id, mallory.id) is not None
    html = await page(http, f"/@{handle}")
    assert f'action="/@{handle}/unblock"' in html and ">Unblock<" in html
    assert f'action="/@{handle}/follow"' not in html  # no following someone blocked
    await http.post(f"/@{handle}/unblock", form={"csrf_token": csrf_of(html)})
    async with svc.reads() as session:
        assert await blocks.get(session, alice.id, mallory.id) is None
