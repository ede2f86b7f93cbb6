"""The server described as Mastodon describes itself: Instance (v2), V1::Instance, Rule, weekly
activity and ExtendedDescription, shaped as docs.joinmastodon.org/entities/ shows them (the
golden files in tests/fedi/web/api/golden/mastodon/ are those examples)."""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from fedi.core.services import VERSION, Services
from fedi.core.settings import Settings
from fedi.core.urls import Urls
from fedi.domain.entities.accounts import one_account
from fedi.domain.entities.formats import timestamp
from fedi.domain.instance import InstanceFacts
from fedi.domain.limits import MEDIA_PER_STATUS, URL_CHARS
from fedi.domain.pins import MAX_PINS
from fedi.media.pipeline import ALLOWED_FORMATS
from storage.instance_stats import WeekCounts

# The Mastodon release whose client API we follow. Apps read the leading version to decide what
# to ask for (Mastodon.py, Phanpy); the part in parentheses says what we really are, as
# Pleroma-likes do ("2.7.2 (compatible; Pleroma 2.5.0)").
MASTODON_VERSION = "4.2.0"
# Mastodon numbers its API since 4.3.0, which is API version 2; before that there was one API
# level, which 4.2's is: 1. Apps use it, not the version, to find 4.3's grouped notifications.
MASTODON_API_VERSION = 1
THUMBNAIL = "thumbnail.jpg"  # fedi/web/static/thumbnail.jpg, painted by the built-in generator
THUMBNAIL_ALT = "An easel with a freshly painted picture, thick strokes of oil paint"
# Mastodon's defaults where we have no such thing: poll durations (no polls: max_options 0).
POLL_MIN_EXPIRATION, POLL_MAX_EXPIRATION = 300, 2_629_746


def version() -> str:
    """The version string apps read, e.g. `4.2.0 (compatible; Impasto 0.1.0)`."""
    return f"{MASTODON_VERSION} (compatible; Impasto {VERSION})"


def streaming_url(base: str) -> str:
    """The instance URL with a WebSocket scheme: wss for https, ws for http, where the
    streaming API (/api/v1/streaming, fedi.web.api.streaming) is served. Never null: apps build
    their streaming connection from it (a null crashes some)."""
    parts = urlsplit(base)
    return f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"


def supported_mime_types() -> list[str]:
    """The picture types the media pipeline takes (fedi.media.pipeline.ALLOWED_FORMATS)."""
    return [f"image/{name.lower()}" for name in ALLOWED_FORMATS]


def rules(settings: Settings) -> list[dict[str, Any]]:
    """Rule entities from `[instance] rules`, numbered from 1 in their order."""
    return [
        {"id": str(number), "text": text, "hint": "", "translations": {}}
        for number, text in enumerate(settings.instance.rules, start=1)
    ]


def _statuses(settings: Settings) -> dict[str, Any]:
    return {
        "max_characters": settings.limits.status_chars,
        "max_media_attachments": MEDIA_PER_STATUS,
        "characters_reserved_per_url": URL_CHARS,
    }


def _accounts(settings: Settings) -> dict[str, Any]:
    """What a profile may hold, from [limits] (the profile API and settings page refuse more):
    Mastodon's names, in V2::Instance's configuration.accounts."""
    limits = settings.limits
    return {
        "max_display_name_length": limits.display_name_chars,
        "max_note_length": limits.bio_chars,
        "max_featured_tags": 0,
        "max_pinned_statuses": MAX_PINS,
        "max_profile_fields": limits.profile_fields,
        # One limit for both a field's name and its value, as Mastodon's 255 for each.
        "profile_field_name_limit": limits.profile_field_chars,
        "profile_field_value_limit": limits.profile_field_chars,
    }


def _media(settings: Settings) -> dict[str, Any]:
    return {
        "supported_mime_types": supported_mime_types(),
        "image_size_limit": settings.media.upload_bytes,
        "image_matrix_limit": settings.media.upload_pixels,
        # Pictures only: no video or audio is taken.
        "video_size_limit": 0,
        "video_frame_rate_limit": 0,
        "video_matrix_limit": 0,
    }


def _polls() -> dict[str, Any]:
    return {
        "max_options": 0,
        "max_characters_per_option": 0,
        "min_expiration": POLL_MIN_EXPIRATION,
        "max_expiration": POLL_MAX_EXPIRATION,
    }


def _source_url(settings: Settings) -> str:
    return settings.instance.source_url or settings.instance.url


def instance_v2(
    settings: Settings, facts: InstanceFacts, contact: dict[str, Any] | None = None
) -> dict[str, Any]:
    """GET /api/v2/instance: the Instance entity (`contact`: the Account entity of
    `facts.contact`, see `contact_account`)."""
    inst, urls = settings.instance, Urls(settings.instance.url)
    return {
        "domain": inst.host,
        "title": inst.name,
        "version": version(),
        "source_url": _source_url(settings),
        "description": inst.description,
        "usage": {"users": {"active_month": facts.active_month}},
        "thumbnail": {"url": urls.static(THUMBNAIL), "description": THUMBNAIL_ALT},
        "icon": [],
        "languages": list(inst.languages),
        "configuration": _configuration_v2(settings),
        "registrations": {
            # Open, or by invite (Mastodon says enabled only when anyone may sign up).
            "enabled": inst.registrations == "open",
            "approval_required": False,
            "reason_required": False,
            "message": _registrations_message(inst.registrations),
            "min_age": None,
            "url": None,
        },
        "api_versions": {"mastodon": MASTODON_API_VERSION},
        "contact": {"email": inst.contact_email, "account": contact},
        "rules": rules(settings),
    }


def _configuration_v2(settings: Settings) -> dict[str, Any]:
    base = settings.instance.url
    media = _media(settings)
    media["description_limit"] = settings.limits.alt_text_chars
    public = {"local": "public", "remote": "public"}
    return {
        "urls": {
            "streaming": streaming_url(base),
            "status": None,
            "about": f"{base}/",
            "privacy_policy": None,
            "terms_of_service": None,
        },
        # No Web Push here: an empty key, which apps take as "no push".
        "vapid": {"public_key": ""},
        "accounts": _accounts(settings),
        "statuses": _statuses(settings),
        "media_attachments": media,
        "polls": _polls(),
        "translation": {"enabled": False},
        "timelines_access": {
            "live_feeds": dict(public),
            "hashtag_feeds": dict(public),
            "trending_link_feeds": dict(public),
        },
        "limited_federation": False,
    }


def instance_v1(
    settings: Settings, facts: InstanceFacts, contact: dict[str, Any] | None = None
) -> dict[str, Any]:
    """GET /api/v1/instance: the V1::Instance entity (deprecated, still read by many apps)."""
    inst = settings.instance
    return {
        "uri": inst.host,
        "title": inst.name,
        "short_description": inst.description,
        "description": inst.description,
        "email": inst.contact_email,
        "version": version(),
        "urls": {"streaming_api": streaming_url(inst.url)},
        "stats": {
            "user_count": facts.user_count,
            "status_count": facts.status_count,
            "domain_count": facts.domain_count,
        },
        "thumbnail": Urls(inst.url).static(THUMBNAIL),
        "languages": list(inst.languages),
        "registrations": settings.instance.registrations == "open",
        "approval_required": False,
        "invites_enabled": settings.instance.registrations == "invite",
        "configuration": {
            "accounts": {"max_featured_tags": 0},
            "statuses": _statuses(settings),
            "media_attachments": _media(settings),
            "polls": _polls(),
        },
        "contact_account": contact,
        "rules": rules(settings),
    }


async def contact_account(svc: Services, facts: InstanceFacts) -> dict[str, Any] | None:
    """The Account entity of the admin people may contact, or None when there is none."""
    return await one_account(svc, facts.contact) if facts.contact is not None else None


def activity(weeks: list[WeekCounts]) -> list[dict[str, str]]:
    """GET /api/v1/instance/activity: each week's counts, as strings as Mastodon sends them.
    `logins` counts the local accounts that posted that week (no sign-ins are recorded)."""
    return [
        {
            "week": str(int(week.start.timestamp())),
            "statuses": str(week.statuses),
            "logins": str(week.active),
            "registrations": str(week.registrations),
        }
        for week in weeks
    ]


def extended_description(settings: Settings, updated_at: datetime) -> dict[str, Any]:
    """GET /api/v1/instance/extended_description: `[instance] extended_description` as HTML,
    a paragraph per blank-line-separated block."""
    paragraphs = [p.strip() for p in settings.instance.extended_description.split("\n\n")]
    content = "".join(
        "<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs if p
    )
    return {"updated_at": timestamp(updated_at), "content": content}


def _registrations_message(mode: str) -> str | None:
    """What apps show when sign-up is not open to all."""
    if mode == "invite":
        return "Sign-ups are by invite: ask someone here for an invite link."
    if mode == "closed":
        return "This server is not taking sign-ups."
    return None
