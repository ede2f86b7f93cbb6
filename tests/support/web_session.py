"""A running instance's pages as a browser without scripts sees them (requests): a checked
answer, and a signed-in session of the instance's user."""

from __future__ import annotations

import requests

from .oauth import PASSWORD, csrf_of
from .pair import Instance


def ok(response: requests.Response, status: int = 200) -> requests.Response:
    """The response, once it is seen to have this status."""
    assert response.status_code == status, (response.url, response.text[:500])
    return response


def signed_in(instance: Instance) -> requests.Session:
    """A browser-like session of the instance's user on its pages (password: PASSWORD)."""
    web = requests.Session()
    token = csrf_of(ok(web.get(f"{instance.base}/auth/sign_in?force=1", timeout=10)).text)
    form = {"username": instance.user, "password": PASSWORD, "csrf_token": token}
    ok(web.post(f"{instance.base}/auth/sign_in", data=form, allow_redirects=False), 303)
    return web
