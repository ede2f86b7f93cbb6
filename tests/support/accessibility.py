"""Accessibility checks for browser tests: axe-core (vendored, tests only) run in a page.

`serious_violations(page)` is the one call a page test needs: it injects axe into the page
as it is and returns the rules it breaks with impact "serious" or "critical". The page must
come from a context opened with `bypass_csp=True` (see `axe_context`), as our strict CSP
rightly refuses the injected script; the server's policy is not loosened for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = frozenset({"serious", "critical"})


@dataclass(frozen=True)
class Violation:
    """One broken axe rule and where on the page it is broken."""

    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.rule} ({self.impact}): {self.help} at {', '.join(self.targets)}"


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_context(browser: Any, **options: Any) -> Any:
    """A new browser context in which axe may be injected (its CSP bypassed; tests only)."""
    return browser.new_context(bypass_csp=True, **options)


def serious_violations(page: Any) -> list[Violation]:
    """Run axe on the page as it is now; the serious and critical violations, if any."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=_axe_source())
    results = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        Violation(
            rule=found["id"],
            impact=found["impact"],
            help=found["help"],
            targets=tuple(
                " ".join(str(part) for part in node["target"]) for node in found["nodes"]
            ),
        )
        for found in results
        if found.get("impact") in BLOCKING
    ]
