"""Compute the stored per-activity metrics: only for activities that lack them.

The expensive part of the metrics is reading the samples; it is done once per activity,
when it arrives. Everything across activities (days, weeks, ramps, baselines) is a view
over these rows and a dense calendar, cheap enough to compute on every read, so a nightly
import costs what the new activities cost, not what the history costs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import duckdb

from gaitload import pain, sqlfiles, streams
from gaitload.config import Settings
from gaitload.store import db

SQL = "gaitload.metrics.sql"
DEFAULT_HR_REST = 60.0
DEFAULT_HR_MAX = 190.0
MOVING_SPEED_M_S = 0.5


@dataclass(frozen=True)
class RefreshReport:
    activities: int
    seconds: float


def refresh(
    con: duckdb.DuckDBPyConnection, *, full: bool = False, athlete_id: int | None = None
) -> RefreshReport:
    """Bring the stored metrics up to date (of one athlete); `full` recomputes everything."""
    started = time.perf_counter()
    params = {
        "default_hr_rest": DEFAULT_HR_REST,
        "default_hr_max": DEFAULT_HR_MAX,
        "pause_gap_s": streams.PAUSE_GAP_S,
        "moving_speed": MOVING_SPEED_M_S,
    }
    with db.transaction(con):
        con.execute(sqlfiles.load(SQL, "todo.sql"), {"full": full, "athlete_id": athlete_id})
        for statement in sqlfiles.statements(SQL, "clear.sql"):
            con.execute(statement)
        con.execute(sqlfiles.load(SQL, "features.sql"), params)
        for name in ("activity_metrics.sql", "cadence_pace.sql", "grades.sql"):
            con.execute(sqlfiles.load(SQL, name))
        ((count,),) = con.execute("SELECT count(*) FROM metric_todo").fetchall()
        con.execute("DROP TABLE metric_features")
        con.execute("DROP TABLE metric_todo")
    return RefreshReport(activities=count, seconds=time.perf_counter() - started)


def refresh_database(settings: Settings, *, full: bool = False) -> RefreshReport:
    """`gaitload refresh`: the metrics, and the pain entries read from activity notes."""
    with db.opened(settings.db_path, wait_s=settings.lock_wait_s) as con:
        report = refresh(con, full=full)
        for (athlete_id,) in con.execute("SELECT athlete_id FROM core.athletes").fetchall():
            pain.read_notes(con, athlete_id)
        return report
