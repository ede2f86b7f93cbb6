"""Scopes, app registration and tokens, without HTTP."""

from __future__ import annotations

import pytest

from fedi.core.errors import UserError
from fedi.core.services import Services
from fedi.domain import apps, oauth
from fedi.domain import scopes as scope_rules
from fedi.domain.accounts import create_user
from tests.support.oauth import all_text


def test_scope_inheritance_as_mastodon_defines_it() -> None:
    assert scope_rules.allows(("read",), ("read:accounts",))
    assert not scope_rules.allows(("read",), ("write:statuses",))
    assert scope_rules.allows(("write",), ("write:media",))
    for granted in (
        "read:follows",
        "read:blocks",
        "read:mutes",
        "write:follows",
        "write:blocks",
        "write:mutes",
    ):
        assert scope_rules.allows(("follow",), (granted,)), granted
    assert not scope_rules.allows(("follow",), ("read:statuses",))
    assert not scope_rules.allows(("read:statuses",), ("read",))
    assert scope_rules.allows(("profile",), ("read:accounts", "profile"))


def test_scope_parsing() -> None:
    assert scope_rules.parse("read  write read") == ("read", "write")
    assert scope_rules.parse("read+write:statuses") == ("read", "write:statuses")
    assert scope_rules.parse("") == ("read",)
    with pytest.raises(scope_rules.ScopeError, match="admin:read"):
        scope_rules.parse("read admin:read")


def test_app_scopes_are_matched_word_for_word() -> None:
    assert scope_rules.within(("read",), ("read", "write"))
    assert not scope_rules.within(("read:accounts",), ("read",))  # Doorkeeper's rule


def test_redirect_uris_from_a_string_or_a_list() -> None:
    assert apps.redirect_uri_list("a:/x\nhttps://b.example/cb  a:/x") == [
        "a:/x",
        "https://b.example/cb",
    ]
    assert apps.redirect_uri_list(["a:/x", "urn:ietf:wg:oauth:2.0:oob"]) == [
        "a:/x",
        "urn:ietf:wg:oauth:2.0:oob",
    ]
    assert apps.redirect_uri_list(None) == []


async def test_registration_keeps_only_the_secret_hash(svc: Services) -> None:
    registered = await apps.register(svc, "App", "https://a.example/cb", "read write")
    assert registered.app.scopes == "read write"
    async with svc.reads() as session:
        stored = await all_text(session, ["oauth_applications"])
    assert registered.client_secret not in stored and registered.app.client_id in stored
    assert await oauth.client(svc, registered.app.client_id, registered.client_secret)
    with pytest.raises(oauth.OAuthError) as refused:
        await oauth.client(svc, registered.app.client_id, "wrong")
    assert refused.value.error == "invalid_client" and refused.value.status == 401


async def test_client_credentials_scopes_stay_within_the_app(svc: Services) -> None:
    registered = await apps.register(svc, "App", "https://a.example/cb", "write")
    with pytest.raises(oauth.OAuthError) as refused:
        await oauth.client_credentials(svc, registered.app, None)  # default: read
    assert refused.value.error == "invalid_scope"
    issued = await oauth.client_credentials(svc, registered.app, "write")
    grant = await oauth.authenticate(svc, issued.secret)
    assert grant.account is None and grant.scopes == ("write",)


async def test_personal_tokens_and_revocation(svc: Services) -> None:
    await create_user(svc, "alice")
    issued = await apps.personal_token(svc, "alice", "read write:statuses")
    grant = await oauth.authenticate(svc, issued.secret)
    assert grant.account is not None and grant.account.username == "alice"
    assert grant.scopes == ("read", "write:statuses")
    async with svc.reads() as session:
        assert issued.secret not in await all_text(session, ["oauth_tokens"])
    app = await oauth.application(svc, grant.application_id)
    assert app is not None
    await oauth.revoke(svc, app, issued.secret)
    with pytest.raises(oauth.TokenError, match="revoked"):
        await oauth.authenticate(svc, issued.secret)
    with pytest.raises(oauth.TokenError, match="invalid"):
        await oauth.authenticate(svc, "made-up")
    with pytest.raises(UserError, match="no local user"):
        await apps.personal_token(svc, "nobody", "read")
