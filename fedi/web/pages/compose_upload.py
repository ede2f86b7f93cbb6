"""/compose/upload: posting one's own picture (labelled as made by a person, not a machine),
with its alt text (required), caption, content warning, sensitivity and visibility."""

from __future__ import annotations

from urllib.parse import urlsplit

from quart import Blueprint, Response, redirect, request
from werkzeug.wrappers.response import Response as WerkzeugResponse

from fedi.core.errors import UserError
from fedi.domain import composing
from fedi.web.helpers import services
from fedi.web.pages.compose_forms import SignIn, checked_form, page, publishing_of, signed_in

bp = Blueprint("compose_upload", __name__)
PATH = "/compose/upload"


@bp.errorhandler(SignIn)
async def _sign_in(exc: SignIn) -> WerkzeugResponse:
    return exc.response


@bp.get(PATH)
async def upload_form() -> Response:
    """The form: the picture, its alt text, the words and who sees it."""
    await signed_in()
    return await page("compose_upload.html", values={}, error=None)


@bp.post(PATH)
async def upload() -> Response | WerkzeugResponse:
    """Store and post the picture; on to the new post's page (the form again, filled in and
    saying why, for a picture or text refused)."""
    account = await signed_in()
    form = await checked_form()
    values = {key: form.get(key, "") for key in form if key != "csrf_token"}
    svc = services()
    picture = (await request.files).get("picture")
    data = picture.read() if picture is not None else b""
    try:
        if not data:
            raise UserError("choose a picture to upload")
        post = await composing.publish_upload(svc, account, data, publishing_of(form))
    except UserError as exc:
        return await page("compose_upload.html", 422, values=values, error=str(exc))
    return redirect(urlsplit(svc.urls.post_page(account.username, post.id)).path, code=303)
