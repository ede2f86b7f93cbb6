"""Small helpers over SQLAlchemy results."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult, Result


def rowcount(result: Result[Any]) -> int:
    """Rows matched by an INSERT/UPDATE/DELETE (0 for results that carry no count)."""
    return result.rowcount if isinstance(result, CursorResult) else 0
