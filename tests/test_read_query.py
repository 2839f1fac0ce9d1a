"""The one query helper: the same answer as DuckDB's cursor, in the shape each reader wants."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl
import pytest

from gaitload.read import query


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("CREATE TABLE runs (day DATE, km DOUBLE, note VARCHAR)")
    con.execute("INSERT INTO runs VALUES ('2026-11-02', 10.5, NULL), ('2026-11-03', 6.0, 'easy')")
    yield con
    con.close()


def test_rows_one_and_table_name_the_columns(con):
    sql = "SELECT day, km, note FROM runs WHERE km >= $least ORDER BY day"
    assert query.rows(con, sql, least=6) == [
        {"day": date(2026, 11, 2), "km": 10.5, "note": None},
        {"day": date(2026, 11, 3), "km": 6.0, "note": "easy"},
    ]
    assert query.one(con, sql, least=7) == {"day": date(2026, 11, 2), "km": 10.5, "note": None}
    assert query.one(con, sql, least=99) is None
    assert query.table(con, sql, least=99) == query.Table(["day", "km", "note"], [])


def test_a_script_answers_with_its_last_statement(con):
    answer = query.table(con, "SELECT 1 AS a; SELECT 2 AS b, 3 AS c")
    assert answer == query.Table(["b", "c"], [(2, 3)])
    written = query.table(con, "INSERT INTO runs VALUES ('2026-11-04', 5, NULL)")
    assert written.rows == [(1,)]  # a write answers with its count, as DuckDB says


def test_frame_keeps_names_and_types_even_when_empty(con):
    sql = "SELECT day, km FROM runs WHERE km > $least ORDER BY day"
    full = query.frame(con, sql, least=0)
    assert full.columns == ["day", "km"] and full["km"].to_list() == [10.5, 6.0]
    assert full.schema["day"] == pl.Date
    empty = query.frame(con, sql, least=99)
    assert empty.columns == ["day", "km"] and empty.height == 0
