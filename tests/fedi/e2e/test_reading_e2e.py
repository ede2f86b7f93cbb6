"""The reading pages between two real servers: alice (on A) finds @bob@B with /search, follows
him from his profile page on A, and then reads his new post on her /home."""

from __future__ import annotations

import asyncio
import io
import re
from urllib.parse import quote

import pytest
import requests

from tests.support.oauth import PASSWORD, csrf_of
from tests.support.pair import Instance
from tests.support.servers import wait_for


def _signed_in(a: Instance) -> requests.Session:
    """A browser-like session signed in to A as alice."""
    browser = requests.Session()
    form = browser.get(f"{a.base}/auth/sign_in", timeout=10).text
    answer = browser.post(
        f"{a.base}/auth/sign_in",
        data={"csrf_token": csrf_of(form), "username": "alice", "password": PASSWORD},
        timeout=10,
    )
    assert answer.ok and "Sign out" in answer.text
    return browser


def _search_follow_and_read(a: Instance, b: Instance) -> None:
    browser = _signed_in(a)
    handle = b.handle  # bob@127.0.0.1:port
    found = browser.get(f"{a.base}/search?q={quote('@' + handle)}", timeout=30).text
    assert f'href="/@{handle}"' in found
    profile = browser.get(f"{a.base}/@{handle}", timeout=10).text
    assert f'action="/@{handle}/follow"' in profile
    followed = browser.post(
        f"{a.base}/@{handle}/follow", data={"csrf_token": csrf_of(profile)}, timeout=10
    )
    assert followed.ok
    # Accepted once B's Accept arrives: the button becomes Unfollow.
    wait_for(lambda: ">Unfollow<" in browser.get(f"{a.base}/@{handle}", timeout=10).text)
    b.post("a fox asleep in the snow")

    def home_with_it() -> str | None:
        text = browser.get(f"{a.base}/home", timeout=10).text
        return text if "a fox asleep in the snow" in text else None

    home = wait_for(home_with_it, timeout=30)
    assert f'href="/@{handle}"' in home  # the author links to his page here
    assert re.search(r'href="/posts/\d+"', home)  # and the post to its page in the app


async def test_find_follow_and_read_a_remote_account(
    pair: tuple[Instance, Instance], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = pair
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))  # the password, asked
    await asyncio.to_thread(a.cli, "user", "password", "alice")
    await asyncio.to_thread(_search_follow_and_read, a, b)
