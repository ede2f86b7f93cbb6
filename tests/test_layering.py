"""The shape of the code: who may import whom (import-linter contracts in pyproject.toml, as
ARCHITECTURE.md draws them), no import circle anywhere, and no module over 400 lines."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("fedi", "activitypub", "storage", "generators", "httpcommon")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
MAX_LINES = 400


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter on the packages under `root` with that tree's pyproject.toml."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(root / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_import_contracts_hold() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "upward", "reported"),
    [
        # a room importing a room above it
        ("fedi/core/urls.py", "from fedi.domain import posting", "fedi.core.urls -> fedi.domain"),
        ("fedi/domain/pins.py", "import fedi.web.app", "fedi.domain.pins -> fedi.web.app"),
        # a lower package importing fedi, or a framework where it does not belong
        ("storage/ids.py", "from fedi.core import settings", "storage.ids -> fedi.core"),
        ("generators/palette.py", "import sqlalchemy", "generators.palette -> sqlalchemy"),
    ],
)
def test_the_check_fails_on_an_upward_import(
    tmp_path: Path, module: str, upward: str, reported: str
) -> None:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(target.read_text() + f"\n\ndef _upward() -> None:\n    {upward}\n")
    assert reported not in lint_imports(ROOT).stdout
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert reported in result.stdout


def test_httpcommon_uses_the_standard_library_only() -> None:
    imported = {
        name.partition(".")[0]
        for path in (ROOT / "httpcommon").rglob("*.py")
        for name in _top_level_imports(path)
    }
    assert imported - sys.stdlib_module_names - {"__future__", "httpcommon"} == set()


def _top_level_imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Project modules a file imports, inside functions and TYPE_CHECKING blocks too."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {module for module in found if module in known and module != name}


def import_graph() -> dict[str, set[str]]:
    files = [path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))]
    known = {module_name(path) for path in files}
    return {module_name(path): imports_of(path, known) for path in files}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circle_in_the_packages() -> None:
    assert circles(import_graph()) == []


def test_the_circle_finder_sees_a_circle_through_a_function_level_import() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [["a", "b", "c"]]


def test_no_module_over_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): count
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if (count := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}
