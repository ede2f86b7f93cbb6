"""Every internal -> Mastodon entity conversion, in one place (docs.joinmastodon.org/entities/),
a module per family: `apps` (Application, CredentialApplication, Token), `accounts` (Account,
CredentialAccount, Relationship), `statuses` (Status with its MediaAttachment, Mention, Tag and
Application; `status_facts` reads what a page of them needs), `context`, `notifications` and
`instance` (Instance, V1::Instance, Rule, weekly activity, ExtendedDescription); `formats`
writes datetimes as Mastodon does. The golden files in tests/fedi/web/api/golden/mastodon/ are
Mastodon's own examples; tests check every entity against them."""

from __future__ import annotations

from fedi.domain.entities.accounts import credential_account
from fedi.domain.entities.apps import application, credential_application, token

# Callers that name the entities package itself (`entities.token(...)`) keep working.
__all__ = ["application", "credential_account", "credential_application", "token"]
