"""/admin/invites (a link shown once that signs people up, revoking it), /admin/domain_blocks
(a block with its reason, lifted again) and /admin/deliveries (failures counted per server)."""

from __future__ import annotations

import re
from datetime import timedelta

from fedi.domain import signups
from storage import deliveries
from storage.accounts import local_account
from storage.timeutil import utcnow
from storage.work_models import Delivery, OutboundActivity
from tests.support.oauth import Pair, csrf_of, page, sign_in


async def test_an_invite_made_here_lets_someone_sign_up_until_revoked(admin_site: Pair) -> None:
    http, svc = admin_site
    await sign_in(http, "root")
    html = await page(http, "/admin/invites")
    assert "Sign-ups are <strong>closed</strong> now" in html
    bad = await http.post("/admin/invites", form={"csrf_token": csrf_of(html), "uses": "-1"})
    assert bad.status_code == 422
    made = await http.post(
        "/admin/invites", form={"csrf_token": csrf_of(html), "uses": "2", "days": "1"}
    )
    assert made.status_code == 200
    html = await made.get_data(as_text=True)
    link = re.search(r'id="made" class="code" type="text" value="([^"]+)"', html)
    assert link and "/auth/sign_up?invite=" in link.group(1)
    code = link.group(1).rsplit("=", 1)[1]
    assert await signups.usable_invite(svc, code)
    assert "0 of 2" in html and ">valid<" in html
    assert link.group(1) not in await page(http, "/admin/invites")  # shown once
    invite_id = re.search(r'action="/admin/invites/(\d+)/revoke"', html)
    assert invite_id
    revoked = await http.post(
        f"/admin/invites/{invite_id.group(1)}/revoke", form={"csrf_token": csrf_of(html)}
    )
    assert revoked.status_code == 303
    assert not await signups.usable_invite(svc, code)
    html = await page(http, "/admin/invites?done=revoked")
    assert ">revoked<" in html and "The invite was revoked." in html


async def test_blocking_a_server_with_a_reason_and_lifting_it(admin_site: Pair) -> None:
    http, svc = admin_site
    await sign_in(http, "root")
    html = await page(http, "/admin/domain_blocks?domain=Spam.Example")
    assert 'value="Spam.Example"' in html  # filled in from the deliveries page's link
    form = {"csrf_token": csrf_of(html), "domain": "Spam.Example", "reason": "sends <spam>"}
    assert not await svc.domain_blocked("spam.example")  # the set is cached from here on
    assert (await http.post("/admin/domain_blocks", form=form)).status_code == 303
    assert await svc.domain_blocked("spam.example")  # at once, not after the cache's time
    html = await page(http, "/admin/domain_blocks")
    assert "spam.example" in html and "sends &lt;spam&gt;" in html
    again = await http.post("/admin/domain_blocks", form=form)
    assert again.status_code == 422
    own = {**form, "domain": svc.settings.instance.host}
    assert (await http.post("/admin/domain_blocks", form=own)).status_code == 422
    url = {**form, "domain": "https://x.example/"}
    assert (await http.post("/admin/domain_blocks", form=url)).status_code == 422
    lift = {"csrf_token": csrf_of(html), "domain": "spam.example"}
    assert (await http.post("/admin/domain_blocks/remove", form=lift)).status_code == 303
    assert "No server is blocked." in await page(http, "/admin/domain_blocks")
    assert not await svc.domain_blocked("spam.example")


async def test_failing_deliveries_are_counted_per_server(admin_site: Pair) -> None:
    http, svc = admin_site
    now = utcnow()
    async with svc.sessions.begin() as session:
        alice = await local_account(session, "alice")
        assert alice is not None
        activity = OutboundActivity(
            uri="http://127.0.0.1/a/1", account_id=alice.id, activity_type="Create", body="{}"
        )
        session.add(activity)
        await session.flush()
        rows = [
            ("https://down.example/inbox", deliveries.FAILED, 8, "connect timeout", None, 3),
            ("https://down.example/users/x/inbox", deliveries.PENDING, 2, "boom", 502, 1),
            ("https://gone.example/inbox", deliveries.FAILED, 1, "gone", 410, 2),
            ("https://fine.example/inbox", deliveries.DELIVERED, 1, None, 202, 0),
            ("https://new.example/inbox", deliveries.PENDING, 0, None, None, 0),
        ]
        for inbox, state, attempts, error, status, days in rows:
            session.add(
                Delivery(
                    activity_id=activity.id,
                    inbox_url=inbox,
                    state=state,
                    attempts=attempts,
                    last_error=error,
                    last_status=status,
                    created_at=now - timedelta(days=days),
                )
            )
    await sign_in(http, "root")
    html = await page(http, "/admin/deliveries")
    assert "fine.example" not in html and "new.example" not in html
    assert html.index("down.example") < html.index("gone.example")  # more failures first
    down = html[html.index("down.example") : html.index("gone.example")]
    assert '<td data-label="Failed">1</td>' in down and '<td data-label="Retrying">1</td>' in down
    assert "HTTP 502: boom" in down  # the newest failure's error
    assert (now - timedelta(days=3)).strftime("%Y-%m-%d") in down
    assert 'href="/admin/domain_blocks?domain=down.example"' in down
