"""Read-only questions the CLI asks of the store: short connections, results as rows."""

from __future__ import annotations

from gaitload import sqlfiles
from gaitload.config import Settings
from gaitload.store.reading import reading

SQL = "gaitload.sql"


def recent_activities(
    settings: Settings, *, athlete: str | None = None, limit: int = 20
) -> tuple[list[tuple], list[str]]:
    with reading(settings.db_path) as r:
        con = r.con
        cursor = con.execute(
            sqlfiles.load(SQL, "recent_activities.sql"), {"athlete": athlete, "limit": limit}
        )
        return cursor.fetchall(), [d[0] for d in cursor.description]


def weekly_running(settings: Settings, athlete: str) -> list[tuple]:
    """(week start, runs, km, longest km) per local week."""
    with reading(settings.db_path) as r:
        con = r.con
        return con.execute(
            sqlfiles.load(SQL, "weekly_running.sql"), {"athlete": athlete}
        ).fetchall()


def latest_signals(settings: Settings, athlete: str) -> dict | None:
    with reading(settings.db_path) as r:
        con = r.con
        cursor = con.execute(sqlfiles.load(SQL, "latest_signals.sql"), {"athlete": athlete})
        rows = cursor.fetchall()
        return dict(zip([d[0] for d in cursor.description], rows[0], strict=True)) if rows else None
