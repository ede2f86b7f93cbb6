"""Local accounts as AS2 actors: what the actor document of a user (a Person) or of the
instance actor (an Application) says; activitypub.objects.actor writes it out. A local bio
and profile field values are plain text, made HTML here as Mastodon renders them (escaped,
links, hashtags) for the actor document and the client API alike."""

from __future__ import annotations

from dataclasses import replace

from activitypub.objects import ActorInfo
from fedi.core.services import Services
from fedi.federation.as2.captions import render
from fedi.media.files import content_type
from storage.models import Account


def bio_html(svc: Services, text: str) -> str:
    """A local bio as HTML paragraphs: escaped, its links and hashtags linked ('' for none)."""
    if not text.strip():
        return ""
    tags_base = f"{svc.urls.base}/tags"
    return render(text, {}, tags_base=tags_base, local_host=svc.settings.instance.host).html


def field_html(svc: Services, text: str) -> str:
    """A profile field's value as HTML: escaped, links linked, without a paragraph (as
    Mastodon's `fields[].value`)."""
    html = bio_html(svc, text.replace("\n", " "))
    return html.removeprefix("<p>").removesuffix("</p>")


def profile_fields(svc: Services, account: Account) -> list[tuple[str, str]]:
    """(name, value as HTML) of a local account's profile fields, in order."""
    return [(f["name"], field_html(svc, f["value"])) for f in account.profile_fields or []]


def _media_type(url: str | None) -> str | None:
    return content_type(url.rsplit("/", 1)[-1]) if url else None


def actor_info(svc: Services, account: Account) -> ActorInfo:
    """What the actor document of a local account says; for one an admin suspended, only
    what others need to keep it (its id, key and collections) and `suspended`, as Mastodon
    serves it: no name, bio, pictures or fields, not discoverable."""
    info = _full_info(svc, account)
    if account.suspended_since is None:
        return info
    return replace(
        info,
        name=account.username,
        summary_html="",
        manually_approves_followers=False,
        discoverable=False,
        icon_url=None,
        icon_media_type=None,
        image_url=None,
        image_media_type=None,
        fields=(),
        suspended=True,
    )


def _full_info(svc: Services, account: Account) -> ActorInfo:
    base = account.uri
    return ActorInfo(
        id=account.uri,
        username=account.username,
        name=account.display_name,
        summary_html=bio_html(svc, account.summary),
        url=account.url or account.uri,
        inbox=account.inbox_url,
        outbox=f"{base}/outbox",
        followers=f"{base}/followers",
        following=f"{base}/following",
        featured=f"{base}/collections/featured",
        shared_inbox=svc.urls.shared_inbox,
        key_id=account.public_key_id,
        public_key_pem=account.public_key_pem,
        published=account.created_at,
        manually_approves_followers=account.manually_approves_followers,
        discoverable=account.discoverable,
        icon_url=account.icon_url,
        icon_media_type=_media_type(account.icon_url),
        actor_type=account.actor_type,
        image_url=account.header_url,
        image_media_type=_media_type(account.header_url),
        fields=tuple(profile_fields(svc, account)),
    )
