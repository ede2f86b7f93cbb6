"""Rows that tests add to a database directly: accounts known here, and accepted follows."""

from __future__ import annotations

from storage.models import Account, Follow


def account(uri: str, username: str, domain: str | None, **extra: str) -> Account:
    """An account at actor `uri` (domain None: a local one), inbox `{uri}/inbox` and a key
    id but no usable key; `extra` sets more columns (shared_inbox_url, followers_url)."""
    return Account(
        uri=uri,
        username=username,
        domain=domain,
        inbox_url=f"{uri}/inbox",
        public_key_id=f"{uri}#main-key",
        public_key_pem="-",
        **extra,
    )


def accepted_follow(uri: str, follower_id: int, target_id: int) -> Follow:
    """A follow that is accepted already."""
    return Follow(uri=uri, follower_id=follower_id, target_id=target_id, state="accepted")
