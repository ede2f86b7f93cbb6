"""The shape checker itself: every golden file passes, and each kind of difference fails."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.support.mastodon_shapes import GOLDEN, assert_shape, entity_of, golden, shape_errors

NAMES = sorted(path.stem for path in GOLDEN.glob("*.json"))


def test_every_golden_file_is_described() -> None:
    """Each golden file names its entity in shapes.toml and SOURCES.md lists it."""
    sources = (GOLDEN / "SOURCES.md").read_text()
    for name in NAMES:
        assert entity_of(name)
        assert name in sources or name.split("_")[0] in sources, name


@pytest.mark.parametrize("name", NAMES)
def test_golden_matches_itself(name: str) -> None:
    assert shape_errors(golden(name), name) == []


def _instance() -> dict[str, Any]:
    doc: dict[str, Any] = copy.deepcopy(golden("instance_v2"))
    return doc


def test_missing_key_fails() -> None:
    doc = _instance()
    del doc["configuration"]["statuses"]["max_characters"]
    assert shape_errors(doc, "instance_v2") == [
        "$.configuration.statuses.max_characters: missing (Mastodon sends it)"
    ]


def test_optional_key_may_be_missing() -> None:
    doc = _instance()
    del doc["thumbnail"]["blurhash"]
    assert_shape(doc, "instance_v2")


def test_unknown_key_fails() -> None:
    doc = _instance()
    doc["configuration"]["statuses"]["max_chars"] = 500
    assert shape_errors(doc, "instance_v2") == [
        "$.configuration.statuses.max_chars: not in Mastodon's Instance"
    ]


def test_wrong_type_fails() -> None:
    doc = _instance()
    doc["configuration"]["statuses"]["max_characters"] = "500"
    doc["registrations"]["enabled"] = 1
    assert sorted(shape_errors(doc, "instance_v2")) == [
        "$.configuration.statuses.max_characters: string, Mastodon sends number",
        "$.registrations.enabled: number, Mastodon sends boolean",
    ]


def test_null_where_not_allowed_fails() -> None:
    doc = _instance()
    doc["configuration"]["urls"]["streaming"] = None
    assert shape_errors(doc, "instance_v2") == [
        "$.configuration.urls.streaming: null, but Mastodon's docs do not let it be null"
    ]


def test_null_where_documented_nullable_passes() -> None:
    doc = _instance()
    doc["contact"]["account"] = None
    doc["configuration"]["urls"]["status"] = None
    assert_shape(doc, "instance_v2")


def test_int_id_fails() -> None:
    doc = _instance()
    doc["rules"][0]["id"] = 1
    assert shape_errors(doc, "instance_v2") == [
        "$.rules[0].id: ids are strings in Mastodon's API, got number"
    ]


def test_every_list_element_is_checked() -> None:
    doc = _instance()
    doc["rules"].append({"id": "9", "text": "be kind"})
    last = len(doc["rules"]) - 1
    assert shape_errors(doc, "instance_v2") == [
        f"$.rules[{last}].hint: missing (Mastodon sends it)",
        f"$.rules[{last}].translations: missing (Mastodon sends it)",
    ]


def test_map_keys_are_free_but_values_are_shaped() -> None:
    doc = _instance()
    doc["rules"][0]["translations"] = {"eo": {"text": "estu afabla", "hint": ""}}
    assert_shape(doc, "instance_v2")
    doc["rules"][0]["translations"] = {"eo": {"text": "estu afabla"}}
    assert shape_errors(doc, "instance_v2") == [
        "$.rules[0].translations.eo.hint: missing (Mastodon sends it)"
    ]


def test_nested_entity_uses_its_own_rules_and_golden() -> None:
    """A boost's `reblog` is checked as a Status, a null reblog against status.json."""
    status = copy.deepcopy(golden("status"))
    status["reblog"] = copy.deepcopy(golden("status"))
    status["reblog"]["account"]["last_status_at"] = None  # nullable in Account
    assert_shape(status, "status")
    status["reblog"]["account"]["acct"] = None
    assert shape_errors(status, "status") == [
        "$.reblog.account.acct: null, but Mastodon's docs do not let it be null"
    ]


def test_assert_shape_lists_every_difference() -> None:
    doc = _instance()
    del doc["title"]
    doc["version"] = 4
    with pytest.raises(AssertionError, match=r"title: missing.*\n.*version: number"):
        assert_shape(doc, "instance_v2")
