"""Compute the stored per-activity metrics: only for activities that lack them.

The expensive part of the metrics is reading the samples; it is done once per activity,
when it arrives. Everything across activities (days, weeks, ramps, baselines) is a view
over these rows and a dense calendar, cheap enough to compute on every read, so a nightly
import costs what the new activities cost, not what the history costs.
"""

from __future__ import annotations

import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import duckdb
import polars as pl

from gaitload import pain, sqlfiles, streams
from gaitload.config import Settings
from gaitload.metrics import per_activity
from gaitload.store import db

SQL = "gaitload.metrics.sql"
DEFAULT_HR_REST = 60.0
DEFAULT_HR_MAX = 190.0
MOVING_SPEED_M_S = 0.5
BATCH_SAMPLES = 500_000
"""Samples read into memory at once: about 50 MB a batch, whatever the history's length."""
WORKERS = 2
IN_FLIGHT = 3
"""Batches read but not yet computed, at most: memory stays bounded on ten years."""


@dataclass(frozen=True)
class RefreshReport:
    activities: int
    seconds: float


def refresh(
    con: duckdb.DuckDBPyConnection, *, full: bool = False, athlete_id: int | None = None
) -> RefreshReport:
    """Bring the stored metrics up to date (of one athlete); `full` recomputes everything.

    Batches of samples are read on this thread (the connection is not shared) and computed
    on a small pool while the next batch is read: polars and numpy release the GIL, so both
    cores work, and at most `IN_FLIGHT` batches are in memory at once.
    """
    started = time.perf_counter()
    params = per_activity.Params(pause_gap_s=streams.PAUSE_GAP_S, moving_speed=MOVING_SPEED_M_S)
    with db.transaction(con):
        con.execute(
            sqlfiles.load(SQL, "todo.sql"),
            {"full": full, "athlete_id": athlete_id, "batch_samples": BATCH_SAMPLES},
        )
        for statement in sqlfiles.statements(SQL, "clear.sql"):
            con.execute(statement)
        batches = con.execute(sqlfiles.load(SQL, "batches.sql")).fetchall()
        heart = con.sql(
            sqlfiles.load(SQL, "heart_settings.sql"),
            params={"default_hr_rest": DEFAULT_HR_REST, "default_hr_max": DEFAULT_HR_MAX},
        ).pl()
        done: list[per_activity.Computed] = []
        with ThreadPoolExecutor(WORKERS) as pool:
            running: deque[Future[per_activity.Computed]] = deque()
            for (activity_ids,) in batches:
                samples = _batch_samples(con, activity_ids)
                running.append(
                    pool.submit(per_activity.compute, activity_ids, samples, heart, params)
                )
                while len(running) >= IN_FLIGHT:
                    done.append(running.popleft().result())
            done.extend(future.result() for future in running)
        if done:
            _store(con, per_activity.Computed.concat(done))
        con.execute("DROP TABLE metric_todo")
    return RefreshReport(
        activities=sum(len(ids) for (ids,) in batches), seconds=time.perf_counter() - started
    )


def _batch_samples(con: duckdb.DuckDBPyConnection, activity_ids: list[int]) -> pl.DataFrame:
    return con.sql(
        sqlfiles.load(SQL, "batch_samples.sql"),
        params={"first": activity_ids[0], "last": activity_ids[-1], "activity_ids": activity_ids},
    ).pl()


def _store(con: duckdb.DuckDBPyConnection, computed: per_activity.Computed) -> None:
    frames = {
        "computed_metrics": computed.metrics,
        "computed_cadence_pace": computed.cadence_pace,
        "computed_grades": computed.grades,
    }
    for name, frame in frames.items():
        con.register(name, frame.to_arrow())
    try:
        for statement in sqlfiles.statements(SQL, "store.sql"):
            con.execute(statement)
    finally:
        for name in frames:
            con.unregister(name)


def refresh_database(settings: Settings, *, full: bool = False) -> RefreshReport:
    """`gaitload refresh`: the metrics, and the pain entries read from activity notes."""
    with db.opened(settings.db_path, wait_s=settings.lock_wait_s) as con:
        report = refresh(con, full=full)
        for (athlete_id,) in con.execute("SELECT athlete_id FROM core.athletes").fetchall():
            pain.read_notes(con, athlete_id)
        return report
