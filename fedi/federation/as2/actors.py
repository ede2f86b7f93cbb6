"""Local accounts as AS2 actors: what the actor document of a user (a Person) or of the
instance actor (an Application) says; activitypub.objects.actor writes it out."""

from __future__ import annotations

from html import escape

from activitypub.objects import ActorInfo
from fedi.core.services import Services
from fedi.media.files import content_type
from storage.models import Account


def actor_info(svc: Services, account: Account) -> ActorInfo:
    """What the actor document of a local account says."""
    base = account.uri
    return ActorInfo(
        id=account.uri,
        username=account.username,
        name=account.display_name,
        summary_html=f"<p>{escape(account.summary)}</p>" if account.summary else "",
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
        icon_media_type=content_type(account.icon_url.rsplit("/", 1)[-1])
        if account.icon_url
        else None,
        actor_type=account.actor_type,
    )
