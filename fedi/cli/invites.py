"""`impasto invite create|list|revoke`: invite links, for `[instance] registrations = "invite"`."""

from __future__ import annotations

import argparse
import sys

from fedi.cli.run import Subparsers, checked, command_group
from fedi.core.errors import UserError
from fedi.core.services import Services
from fedi.domain import signups
from storage import invites
from storage.timeutil import utcnow


def register(subparsers: Subparsers) -> None:
    """Add `invite create`, `invite list` and `invite revoke` to the `impasto` parser."""
    invite = command_group(subparsers, "invite", "invite links to sign up")
    create = invite.add_parser("create", help="print a new invite link")
    create.add_argument("--uses", type=int, default=1, help="sign-ups it allows (0: no limit)")
    create.add_argument("--days", type=float, default=7, help="days it lasts (0: no end)")
    create.add_argument("--by", metavar="NAME", help="the local user it is from")
    create.set_defaults(run=checked(_create))
    listing = invite.add_parser("list", help="list the invites: id, uses, expiry, state")
    listing.set_defaults(run=checked(_list))
    revoke = invite.add_parser("revoke", help="revoke an invite by its id")
    revoke.add_argument("id", type=int)
    revoke.set_defaults(run=checked(_revoke))


async def _create(args: argparse.Namespace, svc: Services) -> int:
    made = await signups.create_invite(
        svc, by=args.by, max_uses=args.uses or None, days=args.days or None
    )
    print(signups.invite_url(svc, made.code))
    if svc.settings.instance.registrations != "invite":
        print(
            f'note: [instance] registrations is "{svc.settings.instance.registrations}";'
            ' set it to "invite" for invite links to be needed',
            file=sys.stderr,
        )
    return 0


async def _list(args: argparse.Namespace, svc: Services) -> int:
    now = utcnow()
    async with svc.reads() as session:
        rows = await invites.listed(session)
    for row in rows:
        limit = "unlimited" if row.max_uses is None else str(row.max_uses)
        ends = row.expires_at.strftime("%Y-%m-%d %H:%M UTC") if row.expires_at else "never"
        if row.revoked_at is not None:
            state = "revoked"
        elif row.expires_at is not None and row.expires_at <= now:
            state = "expired"
        elif row.max_uses is not None and row.uses >= row.max_uses:
            state = "used up"
        else:
            state = "valid"
        print(f"{row.id}\tused {row.uses} of {limit}\tends {ends}\t{state}")
    return 0


async def _revoke(args: argparse.Namespace, svc: Services) -> int:
    async with svc.sessions.begin() as session:
        if not await invites.revoke(session, args.id, utcnow()):
            raise UserError(f"no valid invite {args.id}")
    print(f"invite {args.id} revoked")
    return 0
