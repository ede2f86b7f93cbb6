"""Rate limits on the client API, as Mastodon's (config/initializers/rack_attack.rb): every
/api/ request is counted per token, or per address without one; media uploads and status
deletions have their own, smaller budgets. Every API response carries X-RateLimit-Limit,
-Remaining and -Reset (ISO 8601) of the tightest budget that applies; past it the answer is
429 {"error": "Too many requests"}. A request with a token that turns out bad (401) is
counted against its address, so made-up tokens do not escape the address's limit.
Counting is in-process (fedi.web.ratelimit says how processes would share it)."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

from quart import Blueprint, Response, g, request

from fedi.core.sections import LimitsSettings
from fedi.web.api.scoped import bearer
from fedi.web.helpers import json_response, services
from fedi.web.ratelimit import Counters, Verdict, app_counters
from fedi.web.sessions import client_address

bp = Blueprint("api_throttle", __name__)

FIVE_MINUTES, HALF_HOUR = 300, 1800
MEDIA_UPLOAD = re.compile(r"^/api/v[12]/media/?$")
STATUS = re.compile(r"^/api/v1/statuses/[^/]+/?$")
TOO_MANY = "Too many requests"  # Mastodon's words


def counters() -> Counters:
    """The app's counters (made on first use)."""
    return app_counters()


def _rules(limits: LimitsSettings, who: str) -> list[tuple[str, int, int]]:
    """(key, limit, period) of every budget this request spends."""
    token = who.startswith("token:")
    general = (
        limits.api_requests_per_5_minutes if token else limits.api_anonymous_requests_per_5_minutes
    )
    rules = [(f"api:{who}", general, FIVE_MINUTES)]
    if request.method == "POST" and MEDIA_UPLOAD.match(request.path):
        rules.append((f"media:{who}", limits.media_uploads_per_30_minutes, HALF_HOUR))
    if request.method == "DELETE" and STATUS.match(request.path):
        rules.append((f"delete:{who}", limits.status_deletions_per_30_minutes, HALF_HOUR))
    return [rule for rule in rules if rule[1] > 0]


def _who() -> str:
    token = bearer()
    if token:
        return "token:" + hashlib.sha256(token.encode()).hexdigest()
    return "address:" + client_address()


@bp.before_app_request
async def count() -> Response | None:
    """Count the request against its budgets; 429 when one is spent."""
    if not request.path.startswith("/api/") or request.method == "OPTIONS":
        return None
    limits, who = services().settings.limits, _who()
    verdicts = [counters().hit(key, limit, period) for key, limit, period in _rules(limits, who)]
    if who.startswith("token:") and limits.api_anonymous_requests_per_5_minutes > 0:
        bad = counters().peek(
            "bad:" + client_address(), limits.api_anonymous_requests_per_5_minutes, FIVE_MINUTES
        )
        if not bad.allowed or bad.remaining == 0:
            verdicts.append(Verdict(bad.limit, -1, bad.reset_at))
    if not verdicts:
        return None
    tightest = min(verdicts, key=lambda verdict: verdict.remaining)
    g.impasto_rate = tightest
    if not tightest.allowed:
        return json_response({"error": TOO_MANY}, status=429)
    return None


@bp.after_app_request
async def headers(response: Response) -> Response:
    """The X-RateLimit headers; a bad token's 401 counted against its address."""
    verdict: Verdict | None = g.get("impasto_rate")
    if verdict is None:
        return response
    if response.status_code == 401 and bearer():
        limit = services().settings.limits.api_anonymous_requests_per_5_minutes
        if limit > 0:
            counters().hit("bad:" + client_address(), limit, FIVE_MINUTES)
    reset = datetime.fromtimestamp(verdict.reset_at, UTC)
    response.headers["X-RateLimit-Limit"] = str(verdict.limit)
    response.headers["X-RateLimit-Remaining"] = str(max(0, verdict.remaining))
    response.headers["X-RateLimit-Reset"] = reset.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return response
