"""/admin/instance: the description, rules, daily quota and sign-ups an admin saves are what
the about page, the front page, the instance API, NodeInfo, sign-up and the quota check use;
saving config.toml's values again goes back to the file."""

from __future__ import annotations

import pytest

from fedi.domain import instance_settings
from fedi.domain.generation import LimitReached, admit
from storage import generations, moderation
from storage.accounts import local_account
from tests.support.oauth import Pair, csrf_of, page, sign_in

NEW = {
    "description": "Watercolours of <harbours>",
    "rules": "Be kind\n\n  No photographs  \n",
    "quota": "1",
    "registrations": "open",
}


async def test_an_override_shows_on_the_about_page_and_the_instance_api(admin_site: Pair) -> None:
    http, svc = admin_site
    await sign_in(http, "root")
    html = await page(http, "/admin/instance")
    assert svc.generator.model in html and 'id="quota"' in html
    assert 'value="200"' in html  # config.toml's quota, as the form starts
    saved = await http.post("/admin/instance", form={"csrf_token": csrf_of(html), **NEW})
    assert saved.status_code == 303
    assert saved.headers["Location"] == "/admin/instance?done=saved"
    about = await page(http, "/about")
    assert "Watercolours of &lt;harbours&gt;" in about
    assert "<li>Be kind</li><li>No photographs</li>" in about
    assert "Watercolours of &lt;harbours&gt;" in await page(http, "/")
    v1 = await (await http.get("/api/v1/instance")).get_json()
    assert v1["description"] == "Watercolours of <harbours>" and v1["registrations"] is True
    v2 = await (await http.get("/api/v2/instance")).get_json()
    assert [rule["text"] for rule in v2["rules"]] == ["Be kind", "No photographs"]
    assert v2["registrations"]["enabled"] is True
    rules = await (await http.get("/api/v1/instance/rules")).get_json()
    assert len(rules) == 2
    nodeinfo = await (await http.get("/nodeinfo/2.0")).get_json()
    assert nodeinfo["openRegistrations"] is True
    assert svc.settings.instance.description != NEW["description"]  # the file's stays
    visitor = http.app.test_client()
    assert (await visitor.get("/auth/sign_up")).status_code == 200  # sign-ups open now
    assert 'href="/auth/sign_up"' in await page(visitor, "/")

    back = {
        **NEW,
        "description": svc.settings.instance.description,
        "rules": "",
        "quota": "200",
        "registrations": "closed",
    }
    await http.post("/admin/instance", form={"csrf_token": csrf_of(html), **back})
    async with svc.reads() as session:
        assert await moderation.overrides(session) == {}  # the file's values again
    assert (await visitor.get("/auth/sign_up")).status_code == 403


@pytest.mark.parametrize(
    ("field", "value"),
    [("quota", "-1"), ("quota", "ten"), ("description", "  "), ("registrations", "all")],
)
async def test_a_bad_value_is_refused_and_kept_in_the_form(
    admin_site: Pair, field: str, value: str
) -> None:
    http, _ = admin_site
    await sign_in(http, "root")
    token = csrf_of(await page(http, "/admin/instance"))
    response = await http.post("/admin/instance", form={"csrf_token": token, **NEW, field: value})
    assert response.status_code == 422
    html = await response.get_data(as_text=True)
    assert 'role="alert"' in html and ">Be kind\n" in html  # what was typed stays
    assert "Watercolours" not in await page(http, "/about")


async def test_the_quota_check_reads_the_admins_quota(admin_site: Pair) -> None:
    _, svc = admin_site
    changes = instance_settings.Changes(**{**NEW, "quota": "1"})
    await instance_settings.save(svc, changes)
    async with svc.reads() as session:
        alice = await local_account(session, "alice")
    assert alice is not None
    await admit(svc, alice.id, "a first picture", generations.Options("1:1"))
    with pytest.raises(LimitReached, match="the limit here is 1"):
        await admit(svc, alice.id, "a second picture", generations.Options("1:1"))
