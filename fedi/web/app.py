"""The Quart application factory: blueprints, security headers, background workers."""

from __future__ import annotations

import asyncio
import logging

from quart import Quart, Response, request
from sqlalchemy.exc import DBAPIError

from fedi.core.services import Services
from fedi.core.settings import Settings
from fedi.domain import generation_jobs
from fedi.domain.accounts import ensure_instance_actor
from fedi.federation.receive import unavailable
from fedi.web import auth, bodies, cors, oauth, profiles, sessions, signup
from fedi.web.api import blueprints as api_blueprints
from fedi.web.csp import CSP as CSP  # the policy lives in fedi.web.csp; kept importable here
from fedi.web.helpers import IdConverter, error
from fedi.web.pages import (
    account_data,
    compose,
    compose_upload,
    post_actions,
    post_edit,
    settings_common,
    settings_pages,
)
from fedi.web.pages import admin as admin_pages
from fedi.web.pages import people as people_pages
from fedi.web.pages import reading as reading_pages
from fedi.web.routes import inbox as inbox_routes
from fedi.web.routes import objects, site, web, wellknown
from fedi.workers import images as image_cache
from fedi.workers import inbox
from fedi.workers.delivery import DeliveryWorker
from fedi.workers.stream_hub import Hub
from storage.timeutil import utcnow

log = logging.getLogger(__name__)


def create_app(settings: Settings, *, workers: bool = True) -> Quart:
    """Build the app; the database and workers start when serving begins."""
    app = Quart(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.federation.max_inbox_bytes
    bodies.install(app, settings)  # each route's own bound (fedi.web.bodies)
    app.url_map.converters["int"] = IdConverter  # before the routes that use it are added
    pages = (wellknown.bp, objects.bp, inbox_routes.bp, web.bp, site.bp)
    people = (auth.bp, signup.bp, oauth.bp, profiles.bp, compose.bp, compose_upload.bp)
    settings_bps = (settings_common.bp, settings_pages.bp, people_pages.bp, account_data.bp)
    posts_bps = (post_actions.bp, post_edit.bp)
    app_pages = (*people, *settings_bps, *posts_bps, *reading_pages.blueprints())
    for blueprint in (*pages, *app_pages, *api_blueprints()):
        app.register_blueprint(blueprint)
    sessions.install(app, settings)
    admin_pages.install(app)  # /admin/...; signed_in_is_admin in every template
    cors.install(app)
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []

    @app.before_serving
    async def start() -> None:
        svc = Services.create(settings)
        app.config["IMPASTO_SERVICES"] = svc
        await ensure_instance_actor(svc)
        await generation_jobs.fail_abandoned(svc, utcnow())  # a stopped server's, unfinished
        hub = app.config["IMPASTO_STREAM_HUB"] = Hub(svc)  # the streaming API's, always
        tasks.append(asyncio.create_task(hub.run(stop)))
        if workers:
            tasks.append(asyncio.create_task(DeliveryWorker(svc).run(stop)))
            tasks.append(asyncio.create_task(inbox.run(svc, stop)))
            tasks.append(asyncio.create_task(image_cache.run(svc, stop)))

    @app.after_serving
    async def shutdown() -> None:
        stop.set()
        if tasks:
            await asyncio.wait(tasks, timeout=10)
        await app.config["IMPASTO_SERVICES"].close()

    @app.errorhandler(413)
    async def body_too_large(_: Exception) -> Response:
        return error(413, bodies.too_large(request))

    @app.errorhandler(DBAPIError)
    async def database_trouble(exc: DBAPIError) -> Response:
        """503 with Retry-After for a read-only, full, locked or unreachable database, inbox
        POSTs included, rather than a 500 and a traceback; other database errors are bugs."""
        answer = unavailable(app.config["IMPASTO_SERVICES"], exc)
        if answer is None or answer.reason is None:
            raise exc
        response = error(answer.status, answer.reason)
        response.headers["Retry-After"] = str(answer.retry_after)
        return response

    @app.after_request
    async def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return app
