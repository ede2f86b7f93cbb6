"""Headless Chromium (Debian's, driven by Playwright) uses the admin pages of a running server
as an admin would: signs in from /admin, suspends a user, makes an invite, blocks a server,
changes the server's description and reads the failing deliveries, with the strict CSP in
force and no request to another host; screenshots of each page at desktop and phone widths
go to test-artifacts/screenshots/admin-*.png."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from fedi.core.settings import load_settings
from storage.db import create_engine
from storage.deliveries import FAILED, PENDING
from storage.timeutil import utcnow
from tests.support.browser import (
    Watcher,
    chromium,
    needs_chromium,
    screenshots_wanted,
    shoot,
    sign_in,
)
from tests.support.databases import backends
from tests.support.live import Live, start_live
from tests.support.oauth import PASSWORD
from tests.support.servers import run_cli

pytestmark = needs_chromium


@pytest.fixture(scope="module", params=backends())
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    """One server for the module, with root (an admin), alice and bob."""
    for started in start_live(request, tmp_path_factory.mktemp("admin-browser")):
        run_cli(started.config, "user", "create", "root", "--password", PASSWORD, "--admin")
        run_cli(started.config, "user", "create", "bob", "--password", PASSWORD)
        run_cli(started.config, "invite", "create", "--uses", "5")
        asyncio.run(_failing_deliveries(started))
        yield started


async def _failing_deliveries(live: Live) -> None:
    """Deliveries that failed, as the worker leaves them for unreachable servers (written
    straight into the database: the test sends nothing outside this machine)."""
    from sqlalchemy import insert, select

    from storage.models import Account
    from storage.work_models import Delivery, OutboundActivity

    engine = create_engine(load_settings(live.config).database.url)
    now = utcnow()
    try:
        async with engine.begin() as conn:
            alice = (
                await conn.execute(select(Account.id).where(Account.username == "alice"))
            ).scalar_one()
            await conn.execute(
                insert(OutboundActivity),
                [
                    {
                        "id": 1,
                        "uri": "http://127.0.0.1/x/1",
                        "account_id": alice,
                        "activity_type": "Create",
                        "body": "{}",
                        "created_at": now,
                    }
                ],
            )
            rows = [
                ("https://offline.example/inbox", FAILED, 9, "connection refused", None, 3),
                ("https://offline.example/users/a/inbox", PENDING, 3, "timed out", None, 1),
                ("https://strict.example/inbox", FAILED, 1, "refused the signature", 401, 2),
            ]
            await conn.execute(
                insert(Delivery),
                [
                    {
                        "id": n,
                        "activity_id": 1,
                        "inbox_url": inbox,
                        "state": state,
                        "attempts": tries,
                        "last_error": error,
                        "last_status": status,
                        "next_attempt_at": now + timedelta(days=1),
                        "created_at": now - timedelta(days=days),
                    }
                    for n, (inbox, state, tries, error, status, days) in enumerate(rows, 1)
                ],
            )
    finally:
        await engine.dispose()


def test_an_admin_uses_the_admin_pages_in_chromium(
    live: Live, request: pytest.FixtureRequest
) -> None:
    from playwright.sync_api import expect

    shots = screenshots_wanted(request)
    watcher = Watcher(live.base)

    def snap(page: object, name: str) -> None:
        if shots:
            shoot(page, f"admin-{name}")

    with chromium() as browser:
        page = watcher.page(browser)
        page.goto(f"{live.base}/admin")
        sign_in(page, "root")
        page.get_by_role("heading", name="Admin", exact=True).wait_for()
        assert urlsplit(page.url).path == "/admin"
        snap(page, "index")

        page.get_by_role("navigation", name="Admin").get_by_role("link", name="Users").click()
        page.get_by_role("heading", name="Users").wait_for()
        page.get_by_role("button", name="Suspend @bob").click()
        expect(page.get_by_role("status")).to_contain_text("The account is suspended")
        expect(page.get_by_role("button", name="Unsuspend @bob")).to_be_visible()
        snap(page, "users")
        page.get_by_role("link", name="Delete @alice").click()
        page.get_by_role("heading", name="Delete @alice?").wait_for()
        snap(page, "delete")

        page.goto(f"{live.base}/admin/invites")
        page.get_by_label("Sign-ups it allows").fill("3")
        page.get_by_label("Days it lasts").fill("2")
        page.get_by_role("button", name="Make an invite").click()
        link = page.get_by_label("The new invite link (shown only now: copy it)")
        assert "/auth/sign_up?invite=" in link.input_value()
        expect(page.get_by_role("cell", name="0 of 3")).to_be_visible()
        snap(page, "invites")

        page.goto(f"{live.base}/admin/deliveries")
        expect(page.get_by_role("cell", name="offline.example", exact=True)).to_be_visible()
        expect(page.get_by_text("HTTP 401: refused the signature")).to_be_visible()
        snap(page, "deliveries")
        page.get_by_role("link", name="Block offline.example").click()
        page.get_by_label("Reason (for the admins)").fill("unreachable for days")
        page.get_by_role("button", name="Block", exact=True).click()
        expect(page.get_by_role("cell", name="unreachable for days")).to_be_visible()
        snap(page, "domain_blocks")

        page.goto(f"{live.base}/admin/instance")
        page.get_by_label("Description").fill("Watercolour harbours, painted by machines")
        page.get_by_label("Rules").fill("Be kind\nNo photographs")
        page.get_by_label("Who may sign up").select_option("invite")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status")).to_contain_text("The settings were saved.")
        snap(page, "instance")
        page.goto(f"{live.base}/about")
        expect(page.get_by_text("Watercolour harbours, painted by machines")).to_be_visible()
        expect(page.get_by_role("listitem").filter(has_text="No photographs")).to_be_visible()
    assert watcher.elsewhere == []
    assert watcher.refused_by_csp() == []
