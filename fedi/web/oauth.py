"""OAuth 2 endpoints: authorize (sign-in, consent), token, revoke, and the server metadata."""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import unquote, urlencode

from quart import Blueprint, Response, redirect, render_template, request
from werkzeug.wrappers.response import Response as WerkzeugResponse

from fedi.domain import entities, oauth
from fedi.domain import scopes as scope_rules
from fedi.domain.oauth import OOB, AuthRequest, OAuthError
from fedi.web import sessions
from fedi.web.csp import allowing_form_target
from fedi.web.csrf import CsrfError, check_csrf
from fedi.web.helpers import json_response, services
from fedi.web.params import params, text
from storage.auth_models import OAuthApplication

bp = Blueprint("oauth", __name__)
_AUTH_FIELDS = (
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
)


async def _auth_request(values: dict[str, Any]) -> AuthRequest:
    return await oauth.authorization_request(
        services(),
        client_id=text(values, "client_id") or "",
        redirect_uri=text(values, "redirect_uri"),
        response_type=text(values, "response_type"),
        scope=text(values, "scope"),
        state=text(values, "state"),
        code_challenge=text(values, "code_challenge"),
        code_challenge_method=text(values, "code_challenge_method"),
    )


def _back_to_client(redirect_uri: str, values: dict[str, str | None]) -> WerkzeugResponse:
    query = urlencode({key: value for key, value in values.items() if value is not None})
    return redirect(f"{redirect_uri}{'&' if '?' in redirect_uri else '?'}{query}", code=302)


async def _error_page(exc: OAuthError) -> Response:
    page = await render_template("oauth_error.html", settings=services().settings, error=exc)
    return Response(page, status=exc.status, content_type="text/html; charset=utf-8")


async def _refusal(exc: OAuthError, values: dict[str, Any]) -> Response | WerkzeugResponse:
    redirect_uri = text(values, "redirect_uri")
    if not exc.redirect or not redirect_uri or redirect_uri == OOB:
        return await _error_page(exc)
    reply = {"error": exc.error, "error_description": exc.description}
    return _back_to_client(redirect_uri, {**reply, "state": text(values, "state")})


@bp.get("/oauth/authorize")
async def authorize() -> Response | WerkzeugResponse:
    """Sign in if needed, then the consent page naming the app and the scopes."""
    values = dict(request.args)
    try:
        checked = await _auth_request(values)
    except OAuthError as exc:
        return await _refusal(exc, values)
    account = await sessions.signed_in()
    if account is None or request.args.get("force_login", "").lower() in ("1", "true"):
        rest = {k: v for k, v in request.args.items() if k != "force_login"}
        back = f"/oauth/authorize?{urlencode(rest)}"
        return redirect(f"/auth/sign_in?{urlencode({'next': back, 'force': '1'})}")
    page = await render_template(
        "authorize.html",
        settings=services().settings,
        request_=checked,
        account=account,
        scopes=[(scope, scope_rules.describe(scope)) for scope in checked.scopes],
        fields={name: values.get(name, "") for name in _AUTH_FIELDS},
    )
    response = Response(page, content_type="text/html; charset=utf-8")
    if checked.redirect_uri != OOB:
        response.headers["Content-Security-Policy"] = allowing_form_target(checked.redirect_uri)
    return response


@bp.post("/oauth/authorize")
async def decide() -> Response | WerkzeugResponse:
    """The consent form: a code for the client (or its refusal), back to its redirect URI."""
    form = await request.form
    values = dict(form)
    try:
        check_csrf(form)
    except CsrfError:
        refused = OAuthError("invalid_request", _CSRF, status=403, redirect=False)
        return await _error_page(refused)
    account = await sessions.signed_in()
    if account is None:
        return redirect("/auth/sign_in", code=303)
    try:
        checked = await _auth_request(values)
    except OAuthError as exc:
        return await _refusal(exc, values)
    if form.get("decision") != "authorize":
        denied = OAuthError(
            "access_denied", "The resource owner or authorization server denied the request."
        )
        return await _refusal(denied, values)
    code = await oauth.issue_code(services(), checked, account)
    if checked.redirect_uri == OOB:  # out of band: the person copies the code into the app
        page = await render_template(
            "oauth_code.html", settings=services().settings, code=code, app=checked.app
        )
        return Response(page, content_type="text/html; charset=utf-8")
    return _back_to_client(checked.redirect_uri, {"code": code, "state": checked.state})


_CSRF = "This form expired or did not come from this site. Go back and try again."


def _oauth_json(exc: OAuthError) -> Response:
    response = json_response(
        {"error": exc.error, "error_description": exc.description}, status=exc.status
    )
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = 'Basic realm="Impasto"'
    return _no_store(response)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"  # RFC 6749 §5.1
    response.headers["Pragma"] = "no-cache"
    return response


def _basic_credentials() -> tuple[str | None, str | None]:
    """client_id and client_secret from an HTTP Basic header (RFC 6749 §2.3.1)."""
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None, None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    client_id, _, secret = decoded.partition(":")
    return unquote(client_id), unquote(secret)


async def _client(values: dict[str, Any]) -> OAuthApplication:
    basic_id, basic_secret = _basic_credentials()
    return await oauth.client(
        services(),
        basic_id or text(values, "client_id"),
        basic_secret or text(values, "client_secret"),
    )


@bp.post("/oauth/token")
async def token() -> Response:
    """authorization_code (with the PKCE verifier) and client_credentials grants."""
    values = await params()
    grant_type = text(values, "grant_type")
    try:
        if grant_type not in ("authorization_code", "client_credentials"):
            raise OAuthError(
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server.",
            )
        app = await _client(values)
        if grant_type == "client_credentials":
            issued = await oauth.client_credentials(services(), app, text(values, "scope"))
        else:
            issued = await oauth.exchange_code(
                services(),
                app,
                text(values, "code"),
                text(values, "redirect_uri"),
                text(values, "code_verifier"),
            )
    except OAuthError as exc:
        return _oauth_json(exc)
    return _no_store(json_response(entities.token(issued.token, issued.secret)))


@bp.post("/oauth/revoke")
async def revoke() -> Response:
    """Revoke a token of the calling app (RFC 7009)."""
    values = await params()
    try:
        app = await _client(values)
        await oauth.revoke(services(), app, text(values, "token"))
    except OAuthError as exc:
        if exc.error != "invalid_client":
            return _oauth_json(exc)
        # Doorkeeper answers a bad client at /oauth/revoke this way
        refused = "You are not authorized to revoke this token"
        return _oauth_json(OAuthError("unauthorized_client", refused, status=403))
    return json_response({})


@bp.get("/.well-known/oauth-authorization-server")
async def metadata() -> Response:
    """RFC 8414 server metadata, shaped as Mastodon 4.3 serves it."""
    base = services().settings.instance.url
    return json_response(
        {
            "issuer": f"{base}/",
            "authorization_endpoint": f"{base}/oauth/authorize",
            "token_endpoint": f"{base}/oauth/token",
            "app_registration_endpoint": f"{base}/api/v1/apps",
            "revocation_endpoint": f"{base}/oauth/revoke",
            "scopes_supported": sorted(scope_rules.KNOWN, key=lambda s: (":" in s, s)),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        }
    )
