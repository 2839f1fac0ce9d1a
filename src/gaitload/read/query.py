"""One way to run a query and take its answer, instead of a cursor-to-columns line per caller.

`rows` (a dict per row), `one` (the first row or None), `frame` (a polars frame) and `table`
(columns and tuples, for a terminal table or a CSV). Parameters are named (`$athlete`); a
query without any may hold several statements, and the last one's rows are the answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import duckdb

if TYPE_CHECKING:
    import polars as pl


class Table(NamedTuple):
    columns: list[str]
    rows: list[tuple]


def table(con: duckdb.DuckDBPyConnection, sql: str, /, **params: object) -> Table:
    """The answer as it comes (empty for a statement that returns nothing)."""
    cursor = con.execute(sql, params) if params else con.execute(sql)
    if not cursor.description:
        return Table([], [])
    return Table([d[0] for d in cursor.description], cursor.fetchall())


def rows(con: duckdb.DuckDBPyConnection, sql: str, /, **params: object) -> list[dict]:
    columns, values = table(con, sql, **params)
    return [dict(zip(columns, row, strict=True)) for row in values]


def one(con: duckdb.DuckDBPyConnection, sql: str, /, **params: object) -> dict | None:
    """The first row, or None when there is none."""
    cursor = con.execute(sql, params) if params else con.execute(sql)
    row = cursor.fetchone()
    return None if row is None else dict(zip([d[0] for d in cursor.description], row, strict=True))


def frame(con: duckdb.DuckDBPyConnection, sql: str, /, **params: object) -> pl.DataFrame:
    """The answer as a polars frame with the query's column names (empty when no rows)."""
    import polars as pl

    columns, values = table(con, sql, **params)
    return pl.DataFrame(values, schema=columns, orient="row")
