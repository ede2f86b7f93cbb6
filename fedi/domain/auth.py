"""Signing in: passwords (argon2), failed attempts slowed per account and per address, and
web sessions kept as hashes so that sign-out ends them for good."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from fedi.core.errors import UserError
from fedi.core.services import INSTANCE_ACTOR, Services
from fedi.domain.accounts import AccountError, acting_user
from storage import accounts, sign_ins
from storage.models import Account
from storage.timeutil import as_utc, utcnow

# Failed sign-ins counted in a sliding window, in the database, so the count holds across
# restarts and across processes. Past a limit every attempt is refused until the window has
# moved on, the right password included: guessing gets five tries per account and twenty per
# address each quarter of an hour (Mastodon's rack-attack throttles sign-ins per address and
# per account in the same way).
WINDOW = timedelta(minutes=15)
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
MIN_PASSWORD = 8  # Mastodon's minimum
_hasher = PasswordHasher()
# Hashed once, verified against when the account does not exist, so that a wrong name takes
# as long as a wrong password and does not tell which names exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class SignInError(UserError):
    """The name or the password is wrong, or the account may not sign in."""


class SignInThrottled(SignInError):
    """Too many failed sign-ins lately; `retry_after` says in how many seconds to try again."""

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, round(retry_after / 60))
        super().__init__(
            f"Too many failed sign-ins. Try again in {minutes} minute{'s' * (minutes != 1)}."
        )
        self.retry_after = retry_after


@dataclass(frozen=True)
class SignedIn:
    """A successful sign-in: the account and the new session's secret (for the cookie)."""

    account: Account
    session_token: str


def digest(secret: str) -> str:
    """The SHA-256 (hex) under which a random secret (session, code, token) is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    """A fresh 256-bit random secret, URL-safe."""
    return secrets.token_urlsafe(32)


def may_sign_in(account: Account | None) -> bool:
    """Local, not suspended (`suspended_since`) or deleted (`suspended_at`), and not the
    reserved instance actor. Sessions and tokens are checked against it on every use."""
    return (
        account is not None
        and account.is_local
        and account.suspended_at is None
        and account.suspended_since is None
        and account.username != INSTANCE_ACTOR
    )


async def sign_in(svc: Services, username: str, password: str, address: str) -> SignedIn:
    """Check a name and password; on success open a web session. Raises SignInThrottled while
    the account or the address has failed too often, SignInError for a wrong pair."""
    keys = (("account", digest(username.strip().lower())), ("address", digest(address)))
    await _refuse_if_throttled(svc, keys)
    async with svc.reads() as session:
        account = await accounts.local_account(session, username.strip())
        user = None
        if account is not None and may_sign_in(account):
            user = await sign_ins.user_of(session, account.id)
    stored = user.password_hash if user is not None and user.password_hash else None
    if account is None or stored is None or not await _verify(stored, password):
        async with svc.sessions.begin() as session:
            for kind, key in keys:
                await sign_ins.add_failure(session, kind, key)
            await sign_ins.prune_failures(session, utcnow() - WINDOW)
        raise SignInError("Wrong username or password.")
    token = new_secret()
    async with svc.sessions.begin() as session:
        await sign_ins.clear_failures(session, *keys[0])
        await sign_ins.add_session(session, digest(token), account.id)
        if _hasher.check_needs_rehash(stored):
            await sign_ins.set_password_hash(session, account.id, _hasher.hash(password))
    return SignedIn(account, token)


async def _refuse_if_throttled(svc: Services, keys: tuple[tuple[str, str], ...]) -> None:
    now = utcnow()
    async with svc.reads() as session:
        for (kind, key), limit in zip(keys, (ACCOUNT_LIMIT, ADDRESS_LIMIT), strict=True):
            count, oldest = await sign_ins.failures_since(session, kind, key, now - WINDOW)
            if count >= limit and oldest is not None:
                wait = (as_utc(oldest) + WINDOW - now).total_seconds()
                raise SignInThrottled(max(1, int(wait) + 1))


async def _verify(stored: str, password: str) -> bool:
    def check() -> bool:
        try:
            return _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(check)


async def session_account(svc: Services, session_token: str) -> Account | None:
    """The account signed in with this session secret, or None (unknown, ended, or the
    account may no longer sign in)."""
    async with svc.reads() as session:
        account = await sign_ins.session_account(session, digest(session_token))
    return account if may_sign_in(account) else None


async def sign_out(svc: Services, session_token: str) -> None:
    """End a web session."""
    async with svc.sessions.begin() as session:
        await sign_ins.end_session(session, digest(session_token))


async def user_account(svc: Services, username: str) -> Account:
    """The local account `username` if it may sign in; SignInError otherwise."""
    async with svc.reads() as session:
        try:
            return await acting_user(session, username)
        except AccountError as exc:
            raise SignInError(str(exc)) from None


async def set_password(svc: Services, username: str, password: str) -> Account:
    """Give a local user a new password (argon2); their web sessions end."""
    account = await user_account(svc, username)
    if len(password) < MIN_PASSWORD:
        raise SignInError(f"the password must be at least {MIN_PASSWORD} characters long")
    password_hash = await asyncio.to_thread(_hasher.hash, password)
    async with svc.sessions.begin() as session:
        if not await sign_ins.set_password_hash(session, account.id, password_hash):
            raise SignInError(f"no local user {username!r}")
        await sign_ins.end_sessions_of(session, account.id)
    return account
