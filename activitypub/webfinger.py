"""WebFinger lookup (RFC 7033): from user@host to the actor's id."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .discovery import SUBSCRIBE_REL
from .http import JRD_ACCEPT, FetchError, HttpClient

SELF_TYPES = (
    "application/activity+json",
    'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
)


class WebFingerError(Exception):
    """A handle could not be resolved; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_handle(handle: str) -> tuple[str, str]:
    """(user, host) from `user@host`, `@user@host` or `acct:user@host` (host may have a port)."""
    value = handle.strip().removeprefix("acct:").lstrip("@")
    user, sep, host = value.partition("@")
    if not sep or not user or not host or any(c in host for c in "@/?#\\") or " " in value:
        raise WebFingerError(f"{handle!r} is not a user@host handle")
    return user, host.lower()


@dataclass(frozen=True)
class Resolved:
    """What a WebFinger answer says: the canonical handle (if given) and the actor's id."""

    subject: str | None  # "user@host", without "acct:"
    actor: str


async def lookup(client: HttpClient, handle: str, *, scheme: str = "https") -> str:
    """The actor id a handle points to, via the host's WebFinger endpoint."""
    return (await resolve(client, handle, scheme=scheme)).actor


async def resolve(client: HttpClient, handle: str, *, scheme: str = "https") -> Resolved:
    """The host's WebFinger answer for a handle: its subject and the actor it points to."""
    doc = await _answer(client, handle, scheme)
    links = doc.get("links")
    for link in links if isinstance(links, list) else []:
        if not isinstance(link, dict) or link.get("rel") != "self":
            continue
        kind = str(link.get("type", "")).replace(" ", "")
        if kind in (t.replace(" ", "") for t in SELF_TYPES) and isinstance(link.get("href"), str):
            subject = doc.get("subject")
            canonical = subject.removeprefix("acct:").lower() if isinstance(subject, str) else None
            return Resolved(canonical, str(link["href"]))
    user, host = parse_handle(handle)
    raise WebFingerError(f"{user}@{host} has no ActivityPub actor")


async def subscribe_template(client: HttpClient, handle: str, *, scheme: str = "https") -> str:
    """Where the handle's server takes its user to follow (or answer) something seen on
    another server: its WebFinger answer's subscribe template, with `{uri}` in it."""
    doc = await _answer(client, handle, scheme)
    links = doc.get("links")
    for link in links if isinstance(links, list) else []:
        if isinstance(link, dict) and link.get("rel") == SUBSCRIBE_REL:
            template = link.get("template")
            if isinstance(template, str) and "{uri}" in template and _web(template):
                return template
    _, host = parse_handle(handle)
    raise WebFingerError(f"{host} does not say where its users follow from elsewhere")


async def _answer(client: HttpClient, handle: str, scheme: str) -> dict[str, Any]:
    """The handle's host's WebFinger answer (a JRD) for it."""
    user, host = parse_handle(handle)
    resource = quote(f"acct:{user}@{host}", safe="")
    url = f"{scheme}://{host}/.well-known/webfinger?resource={resource}"
    try:
        return dict(await client.get_json(url, accept=JRD_ACCEPT, expect_id=False))
    except FetchError as exc:
        raise WebFingerError(f"WebFinger lookup of {user}@{host} failed: {exc.reason}") from exc


def _web(url: str) -> bool:
    return url.startswith(("https://", "http://"))


def _https(_host: str) -> str:
    return "https"


async def canonical(
    client: HttpClient, handle: str, *, scheme_of: Callable[[str], str] = _https
) -> Resolved:
    """The actor a handle points to, under its canonical handle (the subject, always set),
    found as Mastodon's ResolveAccountService finds it. When the answer's subject is another
    handle (an alias, or a domain in front of the server), that handle is asked in turn: its
    own answer must give that same subject (one redirect, no more), and names the actor.
    `scheme_of(host)`: how each host is asked."""
    user, host = parse_handle(handle)
    asked = f"{user}@{host}".lower()
    first = await resolve(client, f"{user}@{host}", scheme=scheme_of(host))
    try:
        _, subject_host = parse_handle(first.subject or asked)
    except WebFingerError:  # a subject that is no handle (a URL): the handle asked stands
        return Resolved(asked, first.actor)
    if first.subject is None or first.subject == asked:
        return Resolved(asked, first.actor)
    try:
        second = await resolve(client, first.subject, scheme=scheme_of(subject_host))
    except WebFingerError as exc:
        raise WebFingerError(f"{asked} names {first.subject}: {exc.reason}") from exc
    if second.subject != first.subject:
        raise WebFingerError(
            f"{asked} names {first.subject}, which answers as {second.subject or 'nobody'}"
        )
    return second
