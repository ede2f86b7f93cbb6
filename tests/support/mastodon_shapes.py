"""Compare an entity we serve with Mastodon's own JSON for it (the golden files).

The golden files are in tests/fedi/web/api/golden/mastodon/ (SOURCES.md says where each came
from); shapes.toml beside them says, per entity, which attributes Mastodon's documentation lets
be null, which may be missing, which objects are maps with free keys, and which attributes hold
another entity. The check: the same keys (recursively, for nested objects, and for every element
of a list against the golden's first), the same JSON types, null only where the documentation
allows it, ids as strings. Values are not compared.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).parent.parent / "fedi" / "web" / "api" / "golden" / "mastodon"


@dataclass(frozen=True)
class Rules:
    """What shapes.toml says about one entity (with what it extends merged in)."""

    entity: str
    nullable: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()
    maps: frozenset[str] = frozenset()
    nested: dict[str, str] = field(default_factory=dict)


@cache
def _table() -> dict[str, Any]:
    return tomllib.loads((GOLDEN / "shapes.toml").read_text())


@cache
def rules(entity: str) -> Rules:
    """The rules of an entity, as shapes.toml gives them."""
    section = _table()[entity]
    base = rules(section["extends"]) if "extends" in section else Rules(entity)
    return Rules(
        entity,
        base.nullable | frozenset(section.get("nullable", ())),
        base.optional | frozenset(section.get("optional", ())),
        base.maps | frozenset(section.get("maps", ())),
        {**base.nested, **section.get("nested", {})},
    )


@cache
def golden(name: str) -> Any:
    """A golden file's JSON, by its name without .json."""
    return json.loads((GOLDEN / f"{name}.json").read_text())


def entity_of(name: str) -> str:
    """The entity a golden file holds."""
    return str(_table()["files"][name])


def _golden_of(entity: str) -> Any:
    """The first golden file holding `entity`, or None when there is none."""
    for name, holder in _table()["files"].items():
        if holder == entity:
            return golden(name)
    return None


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _join(base: str, key: str) -> str:
    return f"{base}.{key}" if base else key


@dataclass
class _Walk:
    errors: list[str] = field(default_factory=list)

    def value(self, ours: Any, gold: Any, at: Rules, rel: str, where: str, key: str) -> None:
        if ours is None:
            if rel not in at.nullable:
                self.errors.append(f"{where}: null, but Mastodon's docs do not let it be null")
            return
        if rel in at.nested:
            at, rel = rules(at.nested[rel]), ""
            if gold is None:  # e.g. a reblog the golden status lacks: use that entity's golden
                gold = _golden_of(at.entity)
        if (key == "id" or key.endswith("_id")) and not isinstance(ours, str):
            self.errors.append(f"{where}: ids are strings in Mastodon's API, got {_kind(ours)}")
            return
        if gold is None:  # the golden has null here: its type is not known from the example
            return
        if _kind(ours) != _kind(gold):
            self.errors.append(f"{where}: {_kind(ours)}, Mastodon sends {_kind(gold)}")
        elif isinstance(ours, dict):
            self.mapping(ours, gold, at, rel, where)
        elif isinstance(ours, list) and ours and gold:
            for index, item in enumerate(ours):
                self.value(item, gold[0], at, rel + "[]", f"{where}[{index}]", "")

    def mapping(
        self, ours: dict[str, Any], gold: dict[str, Any], at: Rules, rel: str, where: str
    ) -> None:
        if rel in at.maps:  # free keys: each value shaped like the golden's first
            if gold:
                first = next(iter(gold.values()))
                for key, item in ours.items():
                    self.value(item, first, at, rel + ".*", f"{where}.{key}", key)
            return
        for key in sorted(gold.keys() - ours.keys()):
            if _join(rel, key) not in at.optional:
                self.errors.append(f"{_join(where, key)}: missing (Mastodon sends it)")
        for key in sorted(ours.keys() - gold.keys()):
            if _join(rel, key) not in at.optional:
                self.errors.append(f"{_join(where, key)}: not in Mastodon's {at.entity}")
            elif ours[key] is None and _join(rel, key) not in at.nullable:
                # A documented optional attribute the golden lacks: only the null rule applies.
                self.errors.append(f"{_join(where, key)}: null, but the docs do not let it be null")
        for key in sorted(ours.keys() & gold.keys()):
            self.value(ours[key], gold[key], at, _join(rel, key), _join(where, key), key)


def shape_errors(ours: Any, name: str) -> list[str]:
    """Every way `ours` differs in shape from the golden file `name` (empty: same shape)."""
    walk = _Walk()
    walk.value(ours, golden(name), rules(entity_of(name)), "", "$", "")
    return walk.errors


def assert_shape(ours: Any, name: str) -> None:
    """Fail, listing every difference, unless `ours` has the shape of golden file `name`."""
    errors = shape_errors(ours, name)
    assert not errors, f"not shaped like Mastodon's {name}:\n  " + "\n  ".join(errors)
