"""Making an account on the sign-up page, as `[instance] registrations` allows: open to anyone,
by invite, or closed; the invites an admin makes; and changing one's password.

Usernames follow Mastodon's rules (letters, digits and underscores, at most 30, unique whatever
their case) and its reserved names. Sign-ups are counted per address, like failed sign-ins, so
one address cannot make accounts in bulk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from fedi.core.errors import UserError
from fedi.core.services import INSTANCE_ACTOR, Services
from fedi.domain import auth, instance_settings
from fedi.domain.accounts import USERNAME, AccountError, create_user
from storage import accounts, invites, sign_ins
from storage.auth_models import Invite
from storage.models import Account
from storage.timeutil import as_utc, utcnow

# Mastodon's reserved usernames (its `reserved_usernames` default), and ours.
RESERVED = frozenset(
    {"admin", "administrator", "help", "mod", "moderator", "root", "support", "webmaster"}
    | {"postmaster", "abuse", "security", INSTANCE_ACTOR}
)
# Sign-up attempts per address in auth.WINDOW (Mastodon's rack-attack allows a few per address).
ADDRESS_LIMIT = 10
MAX_PASSWORD = 1024  # argon2 takes any length; this bounds the work a request can ask for


class SignUpError(UserError):
    """The sign-up was refused; the message says why, for the person signing up."""


class SignUpClosed(SignUpError):
    """This server takes no sign-ups (or none without a valid invite)."""


@dataclass(frozen=True)
class NewInvite:
    """A fresh invite: its row and the code (shown once; only its hash is kept)."""

    invite: Invite
    code: str


def check_username(username: str) -> None:
    """Mastodon's rules for a new username; SignUpError naming the rule broken."""
    if not USERNAME.match(username):
        raise SignUpError(
            "A username is 1 to 30 letters (a to z), digits or underscores, with no spaces."
        )
    if username.lower() in RESERVED:
        raise SignUpError(f"The username {username!r} is reserved. Choose another.")


def check_password(password: str, confirmation: str) -> None:
    """Long enough, not absurdly long, typed the same twice."""
    if len(password) < auth.MIN_PASSWORD:
        raise SignUpError(f"The password must be at least {auth.MIN_PASSWORD} characters long.")
    if len(password) > MAX_PASSWORD:
        raise SignUpError(f"The password must be at most {MAX_PASSWORD} characters long.")
    if password != confirmation:
        raise SignUpError("The two passwords differ.")


async def usable_invite(svc: Services, code: str) -> bool:
    """Whether an invite code can still be used."""
    if not code:
        return False
    async with svc.reads() as session:
        return await invites.valid(session, auth.digest(code), utcnow()) is not None


async def sign_up(
    svc: Services,
    *,
    username: str,
    password: str,
    confirmation: str,
    address: str,
    invite: str = "",
) -> auth.SignedIn:
    """Make a local account as the registrations setting allows and sign it in."""
    mode = (await instance_settings.current(svc)).instance.registrations
    if mode == "closed":
        raise SignUpClosed("This server is not taking sign-ups.")
    if mode == "invite" and not await usable_invite(svc, invite):
        raise SignUpClosed("Sign-ups here are by invite, and this invite is not valid (any more).")
    await _count_attempt(svc, address)
    username = username.strip()
    check_username(username)
    check_password(password, confirmation)
    async with svc.reads() as session:
        if await accounts.local_account(session, username, include_deleted=True) is not None:
            raise SignUpError(f"The username {username!r} is taken. Choose another.")
    code_hash = auth.digest(invite) if mode == "invite" else None
    if code_hash is not None:
        async with svc.sessions.begin() as session:
            if not await invites.use(session, code_hash, utcnow()):
                raise SignUpClosed("This invite was used up a moment ago.")
    created = False
    try:
        await create_user(svc, username, password=password)
        created = True
    except AccountError as exc:
        raise SignUpError(str(exc)) from None
    finally:
        if not created and code_hash is not None:  # the invite's use goes back
            async with svc.sessions.begin() as session:
                await invites.give_back(session, code_hash)
    return await auth.sign_in(svc, username, password, address)


async def _count_attempt(svc: Services, address: str) -> None:
    key = auth.digest(address)
    now = utcnow()
    async with svc.sessions.begin() as session:
        count, oldest = await sign_ins.failures_since(session, "sign_up", key, now - auth.WINDOW)
        if count >= ADDRESS_LIMIT and oldest is not None:
            wait = (as_utc(oldest) + auth.WINDOW - now).total_seconds()
            raise auth.SignInThrottled(max(1, int(wait) + 1))
        await sign_ins.add_failure(session, "sign_up", key)


async def create_invite(
    svc: Services, *, by: str | None = None, max_uses: int | None = 1, days: float | None = 7
) -> NewInvite:
    """A new invite link's code, usable `max_uses` times (None: unlimited) for `days` days
    (None: no end)."""
    if max_uses is not None and max_uses < 1:
        raise UserError("an invite must allow at least one sign-up")
    if days is not None and days <= 0:
        raise UserError("an invite must last a positive number of days")
    code = auth.new_secret()[:16]
    async with svc.sessions.begin() as session:
        creator: Account | None = None
        if by is not None:
            creator = await accounts.local_account(session, by)
            if creator is None:
                raise UserError(f"no local user {by!r}")
        invite = await invites.add(
            session,
            auth.digest(code),
            created_by_id=creator.id if creator else None,
            max_uses=max_uses,
            expires_at=utcnow() + timedelta(days=days) if days is not None else None,
        )
    return NewInvite(invite, code)


def invite_url(svc: Services, code: str) -> str:
    """Where an invite takes someone: the sign-up page with the code."""
    return f"{svc.urls.base}/auth/sign_up?invite={code}"


async def change_password(
    svc: Services, account: Account, current: str, new: str, confirmation: str, address: str
) -> auth.SignedIn:
    """Check the current password, set the new one, end every session and open a new one."""
    try:
        await auth.sign_in(svc, account.username, current, address)
    except auth.SignInThrottled:
        raise
    except auth.SignInError:
        raise SignUpError("The current password is wrong.") from None
    check_password(new, confirmation)
    await auth.set_password(svc, account.username, new)
    return await auth.sign_in(svc, account.username, new, address)
