"""`column` is one of a list given at execution: `= ANY(array)` on PostgreSQL, an expanding IN
elsewhere.

An expanding IN is rendered anew for each execution, one parameter per item, so its text (and
asyncpg's prepared statement, cached by text) changes with the list's length; on a statement
read on every request that rendering costs as much as the statement. PostgreSQL takes the list
as one array parameter: one text, prepared once. SQLite has no arrays (its `json_each` would do,
but its planner then scans the table: see bench/README, "Home API over SQLite")."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal, _TraverseInternalsType


class OneOf(ColumnElement[bool]):
    """`column` is one of the list bound as `name`."""

    inherit_cache = True
    _traverse_internals: _TraverseInternalsType = [  # noqa: RUF012 (SQLAlchemy's own form)
        ("column", InternalTraversal.dp_clauseelement),
        ("name", InternalTraversal.dp_string),
    ]
    type = Boolean()

    def __init__(self, column: Any, name: str) -> None:
        self.column = column
        self.name = name

    def self_group(self, against: Any = None) -> Any:
        # A comparison already, as `column IN (…)` is: without this, a boolean expression
        # inside AND becomes `(…) = 1` where booleans are not native (SQLite), and no index
        # is used for it.
        return self


@compiles(OneOf)
def _expanding_in(element: OneOf, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column.in_(bindparam(element.name, expanding=True)), **kw))


@compiles(OneOf, "postgresql")
def _any_of_array(element: OneOf, compiler: Any, **kw: Any) -> str:
    array = bindparam(element.name, type_=ARRAY(element.column.type))
    return str(compiler.process(element.column == any_(array), **kw))
