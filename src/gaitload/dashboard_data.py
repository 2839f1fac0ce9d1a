"""What the dashboard and the analysis notebook read: one short read-only query at a time."""

from __future__ import annotations

import polars as pl

from gaitload import sqlfiles
from gaitload.config import Settings
from gaitload.store.reading import reading

SQL = "gaitload.sql.dashboard"


def frame(settings: Settings, name: str, **params: object) -> pl.DataFrame:
    """A named query from `sql/dashboard/` as a polars frame (empty when there is no data)."""
    with reading(settings.db_path) as r:
        cursor = r.con.execute(sqlfiles.load(SQL, f"{name}.sql"), params)
        rows = cursor.fetchall()
        columns = [d[0] for d in cursor.description]
    return pl.DataFrame(rows, schema=columns, orient="row")


def has_view(settings: Settings, view: str) -> bool:
    with reading(settings.db_path) as r:
        rows = r.con.execute(
            "SELECT 1 FROM duckdb_views() WHERE view_name = ? AND NOT internal", [view]
        ).fetchall()
    return bool(rows)


def alert_details(factor: str) -> dict:
    """What the catalogue says of a factor: the risk, the article's advice, when to see a pro."""
    from gaitload.rules.catalogue import catalogue

    book = catalogue()
    rule = book.rules[factor]
    return {
        "risk": rule.risk,
        "advice": [book.advice[key] for key in rule.advice],
        "professional": book.email["professional"],
        "not_a_diagnosis": book.email["not_a_diagnosis"],
    }
