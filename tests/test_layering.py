"""Dependencies point one way: `fedi` uses the other packages, never the reverse; `httpcommon`,
which both `activitypub` and `generators` use, uses nothing but the standard library."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# What each lower package must never import (top-level module names), per ARCHITECTURE.md.
FORBIDDEN = {
    "activitypub": {"fedi", "storage", "generators", "quart", "hypercorn", "sqlalchemy", "alembic"},
    "storage": {"fedi", "activitypub", "generators", "quart", "hypercorn"},
    "generators": {"fedi", "activitypub", "storage", "quart", "hypercorn", "sqlalchemy"},
    "httpcommon": {"fedi", "activitypub", "storage", "generators"},
}


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module a file imports, including imports inside functions."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_lower_packages_do_not_import_upwards(package: str) -> None:
    offences = {
        str(path.relative_to(ROOT)): sorted(imported_modules(path) & FORBIDDEN[package])
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    assert {file: names for file, names in offences.items() if names} == {}


def test_httpcommon_uses_the_standard_library_only() -> None:
    imported = set().union(*map(imported_modules, (ROOT / "httpcommon").rglob("*.py")))
    assert imported - sys.stdlib_module_names - {"__future__"} == set()


def test_the_scan_sees_imports_inside_functions(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from fedi.app import create_app\n    import quart.json\n")
    assert imported_modules(sample) == {"fedi", "quart"}
