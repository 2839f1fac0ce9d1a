"""What the CLI and the demo show of the training: recent activities, weeks, today's load."""

from __future__ import annotations

from gaitload import sqlfiles
from gaitload.config import Settings
from gaitload.read import query
from gaitload.store.reading import reading

SQL = "gaitload.read.sql"


def recent_activities(
    settings: Settings, *, athlete: str | None = None, limit: int = 20
) -> query.Table:
    with reading(settings.db_path) as r:
        return query.table(
            r.con, sqlfiles.load(SQL, "recent_activities.sql"), athlete=athlete, limit=limit
        )


def weekly_running(settings: Settings, athlete: str) -> list[tuple]:
    """(week start, runs, km, longest km, rest days, change %) per local week."""
    with reading(settings.db_path) as r:
        return query.table(r.con, sqlfiles.load(SQL, "weekly_running.sql"), athlete=athlete).rows


def latest_signals(settings: Settings, athlete: str) -> dict | None:
    with reading(settings.db_path) as r:
        return query.one(r.con, sqlfiles.load(SQL, "latest_signals.sql"), athlete=athlete)
