"""What the dashboard and the analysis notebook read: one short read-only query at a time."""

from __future__ import annotations

import polars as pl

from gaitload import sqlfiles
from gaitload.config import Settings
from gaitload.pain.context import LOOKBACK_DAYS, place_label
from gaitload.read import query
from gaitload.rules.messages import number
from gaitload.store.reading import reading

SQL = "gaitload.read.sql.dashboard"


def frame(settings: Settings, name: str, **params: object) -> pl.DataFrame:
    """A named query from `sql/dashboard/` as a polars frame (empty when there is no data)."""
    with reading(settings.db_path) as r:
        return query.frame(r.con, sqlfiles.load(SQL, f"{name}.sql"), **params)


def pain(settings: Settings, athlete: str | None) -> pl.DataFrame:
    """The athlete's pain entries, newest first, each with the load before it and its place in
    words (`place`); the load alerts of the 3 weeks before as one line (`load_alerts`).
    Empty for a database whose views predate the pain journal (until its next write)."""
    if not has_view(settings, "pain_load"):
        return pl.DataFrame(schema={"date": pl.Date, "score": pl.Int64, "place": pl.String})
    entries = frame(settings, "pain", athlete=athlete)
    places = [place_label(*row) for row in entries.select("place", "bone").iter_rows()]
    return entries.with_columns(place=pl.Series(places, dtype=pl.String))


ALERTS_COLUMN = f"load alerts open in the {LOOKBACK_DAYS // 7} weeks before"


def pain_table(entries: pl.DataFrame) -> pl.DataFrame:
    """`pain()` as the dashboard shows it: one row per entry, the numbers in words."""
    rows = [
        {
            "date": e["date"],
            "place": e["place"],
            "score": f"{e['score']}/10",
            "7-day km": number(e["km_7d"], 1),
            "vs the 7 days before": _change(e["ramp_7d_pct"], e["km_prev_7d"]),
            ALERTS_COLUMN: e["load_alerts"],
            "note": e["note"] or "",
            "source": e["source"],
        }
        for e in entries.iter_rows(named=True)
    ]
    return pl.DataFrame(rows)


def _change(pct: float | None, km_before: float | None) -> str:
    """'+17 % (from 36 km)'; without a week before, just what it was."""
    if km_before is None:
        return "n/a"
    before = f"from {number(km_before, 1)} km"
    return before if pct is None else f"{pct:+.0f} % ({before})"


def has_view(settings: Settings, view: str) -> bool:
    with reading(settings.db_path) as r:
        found = query.one(
            r.con,
            "SELECT 1 FROM duckdb_views() WHERE view_name = $view AND NOT internal",
            view=view,
        )
    return found is not None


def alert_details(factor: str) -> dict:
    """What the catalogue says of a factor: the risk, the article's advice, when to see a pro."""
    from gaitload.rules.catalogue import catalogue

    book = catalogue()
    rule = book.rules[factor]
    return {
        "risk": rule.risk,
        "record": book.record_line(factor),
        "advice": [book.advice[key] for key in rule.advice],
        "professional": book.email["professional"],
        "not_a_diagnosis": book.email["not_a_diagnosis"],
    }
