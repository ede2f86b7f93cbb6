"""Following from another server, as a Mastodon user does from a profile page: a visitor on
alice's profile on A names their handle on B and is sent to B's page for it (B's WebFinger
subscribe template); there bob, signed in, lands on alice's profile as B shows it, follows her,
and A has the follow. A handle that cannot be followed from says why; a visitor not signed in
on B signs in first."""

from __future__ import annotations

import asyncio
import io
import sys
from urllib.parse import quote, unquote, urljoin

import pytest
import requests

from tests.support.html import elements
from tests.support.oauth import PASSWORD, csrf_of
from tests.support.pair import Instance, follow_state
from tests.support.servers import wait_for
from tests.support.web_session import ok, signed_in


async def test_a_visitor_follows_alice_from_their_own_server(
    pair: tuple[Instance, Instance], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = pair
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    await asyncio.to_thread(b.cli, "user", "password", "bob")

    # A's profile offers it to a visitor; the form asks for their handle.
    profile = ok(await asyncio.to_thread(requests.get, f"{a.base}/@alice", timeout=10)).text
    assert 'action="/@alice/remote_follow"' in profile

    # The visitor names bob@B: A sends them to B's page for following alice.
    sent = await asyncio.to_thread(_ask, a, f"@{b.handle}")
    ok(sent, 303)
    there = sent.headers["Location"]
    assert there == f"{b.base}/authorize_interaction?uri={quote(a.actor, safe='')}"

    # Not signed in on B: sign in first, then back to it.
    anonymous = ok(await asyncio.to_thread(requests.get, there, allow_redirects=False), 302)
    assert anonymous.headers["Location"].startswith("/auth/sign_in?next=%2Fauthorize_interaction")

    # Signed in: B shows alice's profile as it knows her, with its Follow button.
    web = await asyncio.to_thread(signed_in, b)
    landed = ok(await asyncio.to_thread(web.get, there, allow_redirects=False), 302)
    remote_profile = urljoin(b.base, landed.headers["Location"])
    assert unquote(remote_profile) == f"{b.base}/@{a.handle}"
    page = ok(await asyncio.to_thread(web.get, remote_profile)).text
    follow_form = next(
        form for form in elements(page, "form") if form.attrs["action"].endswith("/follow")
    )
    token = csrf_of(page)
    done = await asyncio.to_thread(
        web.post,
        urljoin(b.base, follow_form.attrs["action"]),
        data={"csrf_token": token},
        allow_redirects=False,
    )
    assert done.status_code in (302, 303), done.text[:300]
    await asyncio.to_thread(wait_for, lambda: follow_state(b, a, on=a) == "accepted")


async def test_a_handle_that_cannot_be_followed_from_says_why(
    pair: tuple[Instance, Instance],
) -> None:
    a, _ = pair
    for handle, why in (
        ("nobody", "is not a user@host handle"),
        (a.handle, "on this server"),
        ("bob@127.0.0.1:9", "WebFinger lookup of bob@127.0.0.1:9 failed"),
    ):
        response = await asyncio.to_thread(_ask, a, handle)
        ok(response, 400)
        assert why in response.text, (handle, response.text[:300])
        assert 'aria-invalid="true"' in response.text


async def test_no_one_is_sent_elsewhere_without_the_form(pair: tuple[Instance, Instance]) -> None:
    # A link cannot make this server send a visitor to a server the link names.
    a, b = pair
    url = f"{a.base}/@alice/remote_follow"
    data = {"acct": b.handle}
    for response in (
        await asyncio.to_thread(requests.post, url, data=data, allow_redirects=False),
        await asyncio.to_thread(
            requests.post, url, data={**data, "csrf_token": "forged"}, allow_redirects=False
        ),
    ):
        assert response.status_code == 403 and "Location" not in response.headers
    linked = await asyncio.to_thread(requests.get, url, params=data, allow_redirects=False)
    assert linked.status_code == 200 and "Location" not in linked.headers


def _ask(instance: Instance, handle: str) -> requests.Response:
    """Fill in and send the remote follow form of the instance's user, as a visitor."""
    web = requests.Session()
    url = f"{instance.base}/@{instance.user}/remote_follow"
    form = ok(web.get(url, timeout=10)).text
    names = [field.attrs["name"] for field in elements(form, "input")]
    assert names == ["csrf_token", "acct"]
    data = {"csrf_token": csrf_of(form), "acct": handle}
    return web.post(url, data=data, allow_redirects=False, timeout=10)
