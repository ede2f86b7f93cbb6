"""What the compose pages share: the signed-in check, the fields of the painting and
publishing forms as the domain wants them, and rendering a page with a status code."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from quart import Response, abort, redirect, render_template, request
from werkzeug.wrappers.response import Response as WerkzeugResponse

from fedi.domain import generation_jobs as jobs
from fedi.domain.composing import Publishing, QuotaLeft
from fedi.web import sessions
from fedi.web.csrf import CsrfError, check_csrf
from fedi.web.helpers import services
from storage.models import Account

VISIBILITIES = (
    ("public", "Public"),
    ("unlisted", "Unlisted (not on the public timelines)"),
    ("private", "Followers only"),
    ("direct", "Only the people mentioned"),
)
SEEDS = 2**32  # a seed left blank is picked at random, so painting again paints anew


class SignIn(Exception):
    """Nobody is signed in: the response that sends the browser to sign in."""

    def __init__(self, response: WerkzeugResponse) -> None:
        super().__init__("not signed in")
        self.response = response


async def signed_in() -> Account:
    """The signed-in account; SignIn (to /auth/sign_in, then back here) for a visitor."""
    account = await sessions.signed_in()
    if account is None:
        back = request.full_path.rstrip("?") if request.method == "GET" else "/compose"
        raise SignIn(redirect(f"/auth/sign_in?next={quote(back, safe='/?=&')}"))
    return account


async def checked_form() -> Mapping[str, str]:
    """The POSTed form, once its CSRF token is checked (403 otherwise)."""
    form = await request.form
    try:
        check_csrf(form)
    except CsrfError:
        abort(403)
    return form


def job_of(values: Mapping[str, str]) -> jobs.Job:
    """The painting asked for (the model by its key, if the form chose one); JobError for a
    seed that is not a whole number."""
    seed_text = (values.get("seed") or "").strip()
    try:
        seed = int(seed_text) if seed_text else secrets.randbelow(SEEDS)
    except ValueError:
        raise jobs.JobError(f"the seed must be a whole number, not {seed_text!r}") from None
    return jobs.Job(
        prompt=values.get("prompt") or "",
        negative_prompt=values.get("negative_prompt") or None,
        aspect_ratio=values.get("aspect_ratio") or "1:1",
        seed=seed,
        model=values.get("model") or None,
    )


def remix_id(values: Mapping[str, str]) -> int | None:
    """The id of the post being remixed, if the form or query names one."""
    raw = (values.get("remix") or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 20 else None


def publishing_of(values: Mapping[str, str]) -> Publishing:
    """The publishing form's fields."""
    return Publishing(
        alt_text=values.get("alt_text") or "",
        caption=values.get("caption") or "",
        content_warning=values.get("content_warning") or "",
        sensitive=values.get("sensitive") in ("on", "1", "true"),
        visibility=values.get("visibility") or "public",
        remix_of=remix_id(values),
    )


async def page(template: str, status: int = 200, **values: Any) -> Response:
    """A compose page as HTML with this status."""
    svc = services()
    html = await render_template(
        template, settings=svc.settings, urls=svc.urls, visibilities=VISIBILITIES, **values
    )
    return Response(html, status=status, content_type="text/html; charset=utf-8")


def quota_words(quotas: list[QuotaLeft]) -> str:
    """'3 of 5 pictures per hour left; …' or '' when no quota is in force."""
    return "; ".join(f"{q.left} of {q.limit} pictures {q.window} left" for q in quotas)
