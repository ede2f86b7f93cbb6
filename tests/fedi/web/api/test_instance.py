"""GET /api/v1/instance, /api/v2/instance and their sub-paths, shaped as Mastodon's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from quart.typing import TestClientProtocol as Client

from fedi.core.services import Services
from fedi.domain.accounts import create_user
from fedi.domain.posting import Draft, make_post
from storage import domain_blocks
from tests.support.mastodon_shapes import assert_shape
from tests.support.rows import account

Fixture = tuple[Client, Services]


async def _get(client: Client, path: str) -> object:
    response = await client.get(path)
    assert response.status_code == 200, path
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return await response.get_json()


@pytest.mark.parametrize("path", ["/api/v2/instance", "/api/v2/instance/"])
async def test_instance_v2_is_shaped_as_mastodons(client: Fixture, path: str) -> None:
    http, svc = client
    doc = await _get(http, path)
    assert_shape(doc, "instance_v2")
    assert isinstance(doc, dict)
    settings = svc.settings
    assert doc["domain"] == settings.instance.host
    assert doc["version"] == "4.2.0 (compatible; Impasto 0.1.0)"
    config = doc["configuration"]
    assert config["urls"]["streaming"] == f"ws://{settings.instance.host}"
    assert config["statuses"] == {
        "max_characters": 500,
        "max_media_attachments": 4,
        "characters_reserved_per_url": 23,
    }
    media = config["media_attachments"]
    assert media["image_size_limit"] == settings.media.upload_bytes == 16 * 1024 * 1024
    assert media["image_matrix_limit"] == settings.media.upload_pixels == 33_177_600
    assert media["supported_mime_types"] == ["image/png", "image/jpeg", "image/webp", "image/gif"]
    assert (media["video_size_limit"], media["video_matrix_limit"]) == (0, 0)
    assert config["accounts"] == {
        "max_display_name_length": 30,
        "max_note_length": 500,
        "max_featured_tags": 0,
        "max_pinned_statuses": 5,
        "max_profile_fields": 4,
        "profile_field_name_limit": 255,
        "profile_field_value_limit": 255,
    }
    assert config["translation"] == {"enabled": False}
    assert doc["registrations"]["enabled"] is False
    assert doc["contact"] == {"email": "", "account": None}
    assert doc["rules"] == []
    assert doc["usage"] == {"users": {"active_month": 0}}
    assert doc["thumbnail"]["url"] == f"{settings.instance.url}/static/thumbnail.jpg"
    thumbnail = await http.get("/static/thumbnail.jpg")
    assert thumbnail.status_code == 200
    assert (await thumbnail.get_data())[:3] == b"\xff\xd8\xff"


@pytest.mark.parametrize("path", ["/api/v1/instance", "/api/v1/instance/"])
async def test_instance_v1_is_shaped_as_mastodons(client: Fixture, path: str) -> None:
    http, svc = client
    doc = await _get(http, path)
    assert_shape(doc, "instance_v1")
    assert isinstance(doc, dict)
    assert doc["uri"] == svc.settings.instance.host
    assert doc["urls"] == {"streaming_api": f"ws://{svc.settings.instance.host}"}
    assert doc["stats"] == {"user_count": 1, "status_count": 0, "domain_count": 0}
    assert doc["configuration"]["statuses"]["max_media_attachments"] == 4
    assert doc["contact_account"] is None


async def test_limits_contact_and_rules_come_from_the_settings(client: Fixture) -> None:
    http, svc = client
    settings = svc.settings
    settings.limits.status_chars = 1000
    settings.limits.bio_chars = 900
    settings.limits.profile_fields = 6
    settings.limits.profile_field_chars = 80
    settings.limits.display_name_chars = 40
    settings.media.upload_bytes = 1234
    settings.instance.contact_email = "admin@impasto.example"
    settings.instance.rules = ["Be kind.", "Mark <sensitive> pictures."]
    settings.instance.url = "https://impasto.example"
    v2 = await _get(http, "/api/v2/instance")
    assert_shape(v2, "instance_v2")
    assert isinstance(v2, dict)
    assert v2["configuration"]["statuses"]["max_characters"] == 1000
    accounts = v2["configuration"]["accounts"]
    assert (accounts["max_note_length"], accounts["max_display_name_length"]) == (900, 40)
    assert accounts["max_profile_fields"] == 6
    assert accounts["profile_field_name_limit"] == accounts["profile_field_value_limit"] == 80
    assert v2["configuration"]["media_attachments"]["image_size_limit"] == 1234
    assert v2["configuration"]["urls"]["streaming"] == "wss://impasto.example"
    assert v2["contact"]["email"] == "admin@impasto.example"
    rules = [
        {"id": "1", "text": "Be kind.", "hint": "", "translations": {}},
        {"id": "2", "text": "Mark <sensitive> pictures.", "hint": "", "translations": {}},
    ]
    assert v2["rules"] == rules
    v1 = await _get(http, "/api/v1/instance")
    assert_shape(v1, "instance_v1")
    assert isinstance(v1, dict)
    assert (v1["email"], v1["rules"]) == ("admin@impasto.example", rules)
    assert v1["urls"]["streaming_api"] == "wss://impasto.example"
    assert await _get(http, "/api/v1/instance/rules") == rules
    for rule in rules:
        assert_shape(rule, "rule")


async def _remote_accounts(svc: Services) -> None:
    async with svc.sessions.begin() as session:
        for uri, name, domain in [
            ("https://b.example/users/bob", "bob", "b.example"),
            ("https://b.example/users/bea", "bea", "b.example"),
            ("https://a.example/users/ann", "ann", "a.example"),
            ("https://bad.example/users/eve", "eve", "bad.example"),
        ]:
            session.add(account(uri, name, domain))
        await domain_blocks.add(session, "bad.example")


async def test_stats_peers_and_activity_come_from_the_database(client: Fixture) -> None:
    http, svc = client
    await _remote_accounts(svc)
    await make_post(svc, Draft(username="alice", prompt="a lighthouse at dusk"))
    v1 = await _get(http, "/api/v1/instance")
    assert isinstance(v1, dict)
    assert v1["stats"] == {"user_count": 1, "status_count": 1, "domain_count": 2}
    v2 = await _get(http, "/api/v2/instance")
    assert isinstance(v2, dict)
    assert v2["usage"]["users"]["active_month"] == 1
    assert await _get(http, "/api/v1/instance/peers") == ["a.example", "b.example"]
    weeks = await _get(http, "/api/v1/instance/activity")
    assert isinstance(weeks, list)
    assert len(weeks) == 12
    for week in weeks:
        assert_shape([week], "instance_activity")
    starts = [datetime.fromtimestamp(int(week["week"]), UTC) for week in weeks]
    assert all(start.weekday() == 0 and start.hour == 0 for start in starts)
    assert starts == sorted(starts, reverse=True)
    assert weeks[0] == {
        "week": weeks[0]["week"],
        "statuses": "1",
        "logins": "1",
        "registrations": "1",  # alice joined this week
    }
    assert all(week["statuses"] == "0" for week in weeks[1:])


async def test_extended_description_is_escaped_html(client: Fixture) -> None:
    http, svc = client
    svc.settings.instance.extended_description = "Pictures <only>.\nPainted here.\n\nBe kind."
    doc = await _get(http, "/api/v1/instance/extended_description")
    assert_shape(doc, "extended_description")
    assert isinstance(doc, dict)
    assert doc["content"] == "<p>Pictures &lt;only&gt;.<br>Painted here.</p><p>Be kind.</p>"


async def test_the_contact_is_the_admins_account(client: Fixture) -> None:
    http, svc = client
    admin = await create_user(svc, "root", display_name="Root", admin=True)
    v2 = await _get(http, "/api/v2/instance")
    assert_shape(v2, "instance_v2")
    assert isinstance(v2, dict)
    assert v2["contact"]["account"]["id"] == str(admin.id)
    assert v2["contact"]["account"]["acct"] == "root"
    v1 = await _get(http, "/api/v1/instance")
    assert_shape(v1, "instance_v1")
    assert isinstance(v1, dict)
    assert v1["contact_account"] == v2["contact"]["account"]
