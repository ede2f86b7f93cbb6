"""Acting on a post from its page: like, boost, pin, reply, edit and delete as the signed-in
person (each a CSRF-checked form answered with 303 to a local `next`), and the refusals: a
forged token, nobody signed in, someone else's post, a `next` pointing elsewhere."""

from __future__ import annotations

import pytest

from fedi.core.services import Services
from fedi.domain.accounts import create_user
from fedi.domain.posting import Draft, make_post
from generators.base import GeneratedImage, GenerationError, GenerationRequest
from storage import posts, reactions
from storage.models import Post
from tests.support.oauth import PASSWORD, Pair, csrf_of, page, sign_in

ACTIONS = ("like", "unlike", "boost", "unboost", "pin", "unpin", "delete", "reply")


async def _signed_in(site: Pair, username: str = "alice") -> str:
    """Sign in as `username`; a CSRF token of this browser."""
    http, _ = site
    assert (await sign_in(http, username)).status_code == 303
    return csrf_of(await page(http, "/about"))


async def _post(svc: Services, prompt: str = "a lighthouse at dawn", **kw: object) -> Post:
    return await make_post(svc, Draft("alice", prompt, **kw))  # type: ignore[arg-type]


async def _counts(svc: Services, post: Post) -> tuple[int, int]:
    """The post's likes and boosts."""
    async with svc.reads() as session:
        found = (await reactions.counts(session, [post.id])).get(post.id, {})
    return found.get(reactions.LIKE, 0), found.get(reactions.ANNOUNCE, 0)


@pytest.mark.parametrize("action", ACTIONS)
async def test_a_forged_token_is_refused_and_nobody_signed_in_is_sent_to_sign_in(
    site: Pair, action: str
) -> None:
    http, svc = site
    post = await _post(svc)
    nobody = await http.post(f"/posts/{post.id}/{action}", form={"next": f"/@alice/{post.id}"})
    assert nobody.status_code == 303
    assert nobody.headers["Location"] == f"/auth/sign_in?next=/@alice/{post.id}"
    await _signed_in(site)
    forged = await http.post(f"/posts/{post.id}/{action}", form={"csrf_token": "forged"})
    assert forged.status_code == 403
    async with svc.reads() as session:
        again = await posts.by_id(session, post.id)
    assert again is not None and again.deleted_at is None and again.pinned_at is None
    assert await _counts(svc, post) == (0, 0)


async def test_like_and_boost_then_take_them_back_the_page_showing_each_state(site: Pair) -> None:
    http, svc = site
    post = await _post(svc)
    token = await _signed_in(site)
    path = f"/@alice/{post.id}"
    for action, label in (("like", "Liked ★ (undo)"), ("boost", "Boosted ↻ (undo)")):
        done = await http.post(
            f"/posts/{post.id}/{action}", form={"csrf_token": token, "next": path}
        )
        assert done.status_code == 303 and done.headers["Location"] == path
        assert label in await page(http, path)
    assert await _counts(svc, post) == (1, 1)
    html = await page(http, path)
    assert '<strong class="likes">1</strong> like' in html
    assert '<strong class="boosts">1</strong> boost' in html
    for action in ("unlike", "unboost", "unlike"):  # undoing twice changes nothing
        done = await http.post(f"/posts/{post.id}/{action}", form={"csrf_token": token})
        assert done.status_code == 303 and done.headers["Location"] == path
    assert await _counts(svc, post) == (0, 0)
    assert ">Like</button>" in await page(http, path)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"]
)
async def test_next_never_leads_off_the_site(site: Pair, target: str) -> None:
    http, svc = site
    post = await _post(svc)
    token = await _signed_in(site)
    done = await http.post(f"/posts/{post.id}/like", form={"csrf_token": token, "next": target})
    assert done.status_code == 303 and done.headers["Location"] == f"/@alice/{post.id}"
    kept = await http.post(f"/posts/{post.id}/unlike", form={"csrf_token": token, "next": "/home"})
    assert kept.headers["Location"] == "/home"


async def test_pin_edit_and_delete_are_for_the_author_only(site: Pair) -> None:
    http, svc = site
    post = await _post(svc)
    await create_user(svc, "bob", password=PASSWORD)
    token = await _signed_in(site, "alice")
    html = await page(http, f"/@alice/{post.id}")
    assert f'action="/posts/{post.id}/pin"' in html and f'href="/posts/{post.id}/edit"' in html
    await http.post("/auth/sign_out", form={"csrf_token": token})
    assert (await sign_in(http, "bob")).status_code == 303
    token = csrf_of(await page(http, "/about"))
    html = await page(http, f"/@alice/{post.id}")
    assert f"/posts/{post.id}/pin" not in html and f"/posts/{post.id}/edit" not in html
    for action in ("pin", "delete", "edit"):
        refused = await http.post(f"/posts/{post.id}/{action}", form={"csrf_token": token})
        assert refused.status_code == 404, action
    assert (await http.get(f"/posts/{post.id}/edit")).status_code == 404
    assert (await http.get(f"/posts/{post.id}/delete")).status_code == 404
    async with svc.reads() as session:
        again = await posts.by_id(session, post.id)
    assert again is not None and again.deleted_at is None and again.pinned_at is None


async def test_the_author_pins_edits_and_deletes_after_confirming(site: Pair) -> None:
    http, svc = site
    post = await _post(svc, caption="first words")
    token = await _signed_in(site)
    path = f"/@alice/{post.id}"
    await http.post(f"/posts/{post.id}/pin", form={"csrf_token": token})
    assert ">Unpin</button>" in await page(http, path)
    form = await page(http, f"/posts/{post.id}/edit")
    assert "first words" in form and 'for="alt"' in form and 'for="content_warning"' in form
    forged = await http.post(f"/posts/{post.id}/edit", form={"csrf_token": "x", "caption": "no"})
    assert forged.status_code == 403
    fields = {"csrf_token": csrf_of(form), "caption": "better words #dawn", "alt": "A lighthouse"}
    saved = await http.post(f"/posts/{post.id}/edit", form={**fields, "content_warning": "bright"})
    assert saved.status_code == 303 and saved.headers["Location"] == path
    html = await page(http, path)
    assert "better words" in html and 'alt="A lighthouse"' in html and "bright" in html
    assert '<details class="cw">' in html and "edited" in html
    confirm = await page(http, f"/posts/{post.id}/delete")
    assert "Delete your post?" in confirm and f'action="/posts/{post.id}/delete"' in confirm
    gone = await http.post(f"/posts/{post.id}/delete", form={"csrf_token": csrf_of(confirm)})
    assert gone.status_code == 303 and gone.headers["Location"] == "/@alice"
    assert (await http.get(path)).status_code == 404


class Refusing:
    """A model that refuses every prompt, as a hosted one's safety filter may."""

    name = "refusing"
    model = "cautious-1"

    async def generate(self, request: GenerationRequest) -> GeneratedImage:
        raise GenerationError("the model's safety filter refused the prompt")


async def test_replies_in_text_and_in_pictures_and_a_refusal_keeps_what_was_typed(
    site: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    http, svc = site
    post = await _post(svc)
    token = await _signed_in(site)
    path = f"/@alice/{post.id}"
    said = await http.post(
        f"/posts/{post.id}/reply", form={"csrf_token": token, "text": "what a light", "next": path}
    )
    assert said.status_code == 303 and said.headers["Location"] == path
    painted = await http.post(
        f"/posts/{post.id}/reply",
        form={"csrf_token": token, "text": "mine", "prompt": "a boat at sea"},
    )
    assert painted.status_code == 303
    html = await page(http, path)
    replies = html[html.index('aria-label="Replies"') :]
    assert "what a light" in replies and "a boat at sea" in replies and "mine" in replies
    assert '<strong class="replies">2</strong> replies' in html
    monkeypatch.setattr(svc, "_generator", Refusing())
    refused = await http.post(
        f"/posts/{post.id}/reply",
        form={"csrf_token": token, "text": "keep me", "prompt": "a forbidden thing"},
    )
    assert refused.status_code == 422
    html = await refused.get_data(as_text=True)
    assert "safety filter refused the prompt" in html
    assert ">keep me</textarea>" in html and 'value="a forbidden thing"' in html
