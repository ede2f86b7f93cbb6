"""/settings/profile: the form shows the profile, saves a change (name, bio, pictures, the
follower, discoverable and bot choices, fields), sends followers an Update of the actor, and
refuses a change over a limit saying why and keeping what was typed; every settings page has
the sub-navigation, wants a signed-in person and refuses a form without its CSRF token."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from quart.datastructures import FileStorage
from sqlalchemy import func, select

from fedi.core.services import Services
from storage.accounts import local_account
from storage.models import Account
from storage.work_models import Generation
from tests.support.oauth import Pair, csrf_of, page, sign_in
from tests.support.sent import follow, remote, sent

PAGES = [
    "/settings/profile",
    "/settings/follow_requests",
    "/settings/blocks",
    "/settings/password",
    "/settings/export",
    "/settings/delete",
]
# Every form these pages POST to, with what else it needs.
FORMS = [
    ("/settings/profile", {"display_name": "Mallory"}),
    ("/settings/export", {}),
    ("/settings/delete", {"password": "correct horse battery"}),
    ("/@bob/block", {}),
    ("/@bob/unblock", {}),
    ("/settings/follow_requests/1/approve", {}),
    ("/settings/follow_requests/1/reject", {}),
]


def png(width: int, height: int, colour: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


async def _alice(svc: Services) -> Account:
    async with svc.reads() as session:
        account = await local_account(session, "alice")
    assert account is not None
    return account


@pytest.mark.parametrize("path", PAGES)
async def test_a_settings_page_wants_sign_in_and_has_the_sub_navigation(
    site: Pair, path: str
) -> None:
    http, _ = site
    response = await http.get(path)
    assert response.status_code in (302, 303)
    assert response.headers["Location"] == f"/auth/sign_in?next={path}"
    await sign_in(http)
    html = await page(http, path)
    nav = html[
        html.index('<nav class="settings-nav"') : html.index("</nav>", html.index("settings-nav"))
    ]
    for other in PAGES:
        assert f'href="{other}"' in nav
    assert f'href="{path}" aria-current="page"' in nav


@pytest.mark.parametrize(("path", "form"), FORMS)
async def test_a_settings_form_wants_sign_in_and_its_csrf_token(
    site: Pair, path: str, form: dict[str, str]
) -> None:
    http, svc = site
    before = await _alice(svc)
    anonymous = await http.post(path, form={"csrf_token": "x", **form})
    assert anonymous.status_code == 303
    assert anonymous.headers["Location"].startswith("/auth/sign_in?next=/")
    await sign_in(http)
    for token in ("", "forged"):
        refused = await http.post(path, form={"csrf_token": token, **form})
        assert refused.status_code == 403, path
    after = await _alice(svc)
    assert (after.display_name, after.suspended_at) == (before.display_name, None)


async def test_the_form_shows_the_profile_and_saves_a_change_that_federates(site: Pair) -> None:
    http, svc = site
    trent = await remote(svc, "trent", "other.example")
    await follow(svc, trent, "alice")
    await sign_in(http)
    html = await page(http, "/settings/profile")
    assert 'value="Alice"' in html and 'enctype="multipart/form-data"' in html
    for name in ("display_name", "note", "avatar", "header", "locked", "discoverable", "bot"):
        assert f'<label for="{name}">' in html and f'id="{name}"' in html
    assert 'id="field_name_3"' in html and 'id="field_name_4"' not in html  # four fields
    form = {
        "csrf_token": csrf_of(html),
        "display_name": "Alice Painter",
        "note": "I paint lighthouses\r\nand foxes",
        "locked": "on",
        "bot": "on",
        "field_name_0": "Site",
        "field_value_0": "https://alice.example",
        "field_name_2": "Pronouns",
        "field_value_2": "she/her",
    }
    files = {"avatar": FileStorage(io.BytesIO(png(600, 600)), "me.png", "avatar", "image/png")}
    response = await http.post("/settings/profile", form=form, files=files)
    assert response.status_code == 303
    assert response.headers["Location"] == "/settings/profile?done=1"
    alice = await _alice(svc)
    assert (alice.display_name, alice.summary) == (
        "Alice Painter",
        "I paint lighthouses\nand foxes",
    )
    assert alice.manually_approves_followers and not alice.discoverable
    assert alice.actor_type == "Service"
    assert alice.profile_fields == [
        {"name": "Site", "value": "https://alice.example"},
        {"name": "Pronouns", "value": "she/her"},
    ]
    assert alice.icon_url and alice.icon_url.startswith(svc.urls.media(""))
    stored = Path(svc.media_dir) / alice.icon_url.removeprefix(svc.urls.media(""))
    with Image.open(stored) as avatar:
        assert max(avatar.size) <= 400
    assert b"trainedAlgorithmicMedia" not in stored.read_bytes()  # a person's upload
    updates = await sent(svc, "Update")
    assert len(updates) == 1
    update, inboxes = updates[0]
    assert inboxes == ["https://other.example/inbox"]
    actor = update["object"]
    assert (actor["name"], actor["type"], actor["manuallyApprovesFollowers"]) == (
        "Alice Painter",
        "Service",
        True,
    )
    assert actor["icon"]["url"] == alice.icon_url
    shown = await page(http, "/settings/profile?done=1")
    assert "Your profile was saved." in shown and 'value="Pronouns"' in shown
    assert 'id="locked" name="locked" type="checkbox" checked' in shown


async def test_a_refused_change_says_why_and_keeps_the_form(site: Pair) -> None:
    http, svc = site
    await sign_in(http)
    html = await page(http, "/settings/profile")
    long_bio = "b" * (svc.settings.limits.bio_chars + 1)
    form = {"csrf_token": csrf_of(html), "display_name": "Typed name", "note": long_bio}
    form["avatar_prompt"] = "a fox"  # not painted: the bio is refused first
    response = await http.post("/settings/profile", form=form)
    assert response.status_code == 422
    answer = await response.get_data(as_text=True)
    assert 'role="alert"' in answer and "bio" in answer and "bio_chars" in answer
    assert 'value="Typed name"' in answer and long_bio in answer
    assert 'value="a fox"' in answer
    async with svc.reads() as session:
        assert await session.scalar(select(func.count()).select_from(Generation)) == 0
    del form["avatar_prompt"]
    files = {"header": FileStorage(io.BytesIO(b"not a picture"), "h.png", "header", "image/png")}
    form["note"] = "short"
    response = await http.post("/settings/profile", form=form, files=files)
    assert response.status_code == 422
    assert "header was refused" in await response.get_data(as_text=True)
    nameless = {"csrf_token": csrf_of(html), "field_value_1": "orphan value"}
    response = await http.post("/settings/profile", form=nameless)
    assert response.status_code == 422
    assert "needs a name" in await response.get_data(as_text=True)
    alice = await _alice(svc)
    assert alice.display_name == "Alice" and alice.header_url is None
    assert await sent(svc, "Update") == []


async def test_an_avatar_painted_from_a_prompt(site: Pair) -> None:
    http, svc = site
    await sign_in(http)
    html = await page(http, "/settings/profile")
    form = {"csrf_token": csrf_of(html), "display_name": "Alice", "avatar_prompt": "a red fox"}
    response = await http.post("/settings/profile", form=form)
    assert response.status_code == 303
    alice = await _alice(svc)
    assert alice.icon_url and alice.icon_url.startswith(svc.urls.media(""))
    stored = Path(svc.media_dir) / alice.icon_url.removeprefix(svc.urls.media(""))
    with Image.open(stored) as avatar:
        assert avatar.size == (400, 400)
    # Labelled as machine-made, with its prompt, as posts' pictures are.
    data = stored.read_bytes()
    assert b"trainedAlgorithmicMedia" in data and b"a red fox" in data
