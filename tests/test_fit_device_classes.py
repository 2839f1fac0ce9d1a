"""Generated FIT files for the device classes an independent importer's tests cover.

Each file is what such a device writes, with right answers known by construction: a clock
that jumps mid-recording, a multisport transition whose records are shorter than its
session, pool lengths beyond the records, timestamps that step back or repeat, a timer
longer than the elapsed time. The rule under test (docs/devices.md): the device's session
stands unless it is provably wrong, and no sample lands on a day the runner did not run.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest

from gaitload.demo.fitwriter import SessionSpec, write_fit
from gaitload.ingest import import_paths
from tests.builders import run_samples

START = datetime(2026, 5, 3, 7, 0, tzinfo=UTC)
RUN_DAY = date(2026, 5, 3)
DAY_S = 86_400


def rows(settings, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def device_session(elapsed_s: float, timer_s: float, start=START, **more) -> dict:
    """The session message's own figures, as the device wrote them."""
    return {
        "start_time": start,
        "timestamp": start + timedelta(seconds=elapsed_s),
        "total_elapsed_time": elapsed_s,
        "total_timer_time": timer_s,
        **more,
    }


def import_one(settings, path: Path) -> dict:
    report = import_paths(settings, [path])
    assert [o.status for o in report.outcomes] == ["imported"], report.outcomes[0].reason
    ((activity,),) = rows(
        settings,
        "SELECT {'start': start_time_utc, 'elapsed': elapsed_time_s, 'moving': moving_time_s, "
        "'distance': distance_m, 'samples': samples, 'source': totals_source} FROM activities",
    )
    return activity


def sample_days(settings) -> set[date]:
    return {ts.date() for (ts,) in rows(settings, "SELECT ts FROM samples")}


def test_a_clock_that_leaps_days_ahead_and_comes_back(settings, tmp_path):
    # records 200..299 were stamped 3 days ahead; the watch's session kept the real clock
    samples = run_samples().with_columns(
        t_s=pl.when(pl.col("t_s").is_between(1000, 1495))
        .then(pl.col("t_s") + 3 * DAY_S)
        .otherwise(pl.col("t_s"))
    )
    session = device_session(3600.0, 3600.0, total_distance=10080.0)
    path = write_fit(
        tmp_path / "leap.fit", START, [SessionSpec("running", samples, totals=session)]
    )
    got = import_one(settings, path)
    assert got["elapsed"] == 3600.0 and got["moving"] == 3600.0  # not 3 days
    assert got["start"] == START.replace(tzinfo=None)
    assert got["distance"] == 10080.0 and got["source"] == "session"
    assert got["samples"] == 721 - 100
    assert sample_days(settings) == {RUN_DAY}


@pytest.mark.parametrize("before", [3, 700])
def test_a_clock_that_jumps_once(settings, tmp_path, before):
    """The first `before` records are on a clock 5 days slow, the rest on the real one.

    The device's session starts on the slow clock and its elapsed time spans the jump, as
    a Magellan's did (27 days); its timer counted the real hour. The larger run of records
    is the recording; the other records and the days between are dropped.
    """
    late = 5 * DAY_S
    samples = run_samples().with_columns(
        t_s=pl.when(pl.int_range(pl.len()) >= before).then(pl.col("t_s") + late).otherwise("t_s")
    )
    session = device_session(3600.0 + late, 3600.0, total_distance=10080.0)
    path = write_fit(
        tmp_path / "jump.fit", START, [SessionSpec("running", samples, totals=session)]
    )
    got = import_one(settings, path)
    kept = max(before, 721 - before)
    assert got["samples"] == kept
    assert got["elapsed"] == pytest.approx((kept - 1) * 5, abs=5)  # the kept records' span
    assert got["moving"] <= got["elapsed"]
    assert got["distance"] == 10080.0  # what the device measured over the whole run
    ((first, last),) = rows(settings, "SELECT min(ts), max(ts) FROM samples")
    assert got["start"] == first and (last - first).total_seconds() < DAY_S
    day = RUN_DAY + timedelta(days=5) if before < 361 else RUN_DAY
    assert sample_days(settings) == {day}


def test_a_transition_whose_records_are_shorter_than_its_session(settings, tmp_path):
    """The transition's records cover 140 m; its session, 400 m (the run to the bike rack)."""
    swim = run_samples(n=121).select("t_s", "heart_rate", distance_m=pl.col("distance_m") / 4)
    transition = run_samples(n=11).with_columns(
        t_s=pl.col("t_s") + 610, distance_m=pl.col("distance_m") + 420
    )
    ride = (
        run_samples(n=241)
        .with_columns(t_s=pl.col("t_s") + 700, distance_m=pl.col("distance_m") * 3 + 560)
        .drop("cadence_spm")
    )
    path = write_fit(
        tmp_path / "tri.fit",
        START,
        [
            SessionSpec("swimming", swim, sub_sport="open_water"),
            SessionSpec("transition", transition, totals={"total_distance": 400.0}),
            SessionSpec("cycling", ride, sub_sport="road"),
        ],
    )
    import_paths(settings, [path])
    got = rows(
        settings,
        "SELECT sport, distance_m, totals_source, samples FROM activities ORDER BY start_time_utc",
    )
    assert got == [
        ("swimming", 420.0, "session", 121),
        ("transition", 400.0, "session", 11),
        ("cycling", 10080.0, "session", 241),
    ]


def test_pool_lengths_beyond_the_records_keep_the_sessions_distance(settings, tmp_path):
    """A pool swim whose first record with a distance is at 500 m: 46 lengths say 2,300 m."""
    swim = run_samples(n=361).select(
        "t_s", "heart_rate", distance_m=500 + pl.col("distance_m") * 1800 / 5040
    )
    session = device_session(1800.0, 1800.0, total_distance=2300.0)
    spec = SessionSpec("swimming", swim, sub_sport="lap_swimming", totals=session)
    got = import_one(settings, write_fit(tmp_path / "pool.fit", START, [spec]))
    assert (got["distance"], got["source"]) == (2300.0, "session")


def test_timestamps_that_step_back_or_repeat(settings, tmp_path):
    """Records 100-109 stamped 20 s early, and every 50th record written twice."""
    samples = run_samples()
    stepped = samples.with_columns(
        t_s=pl.when(pl.int_range(pl.len()).is_between(100, 109))
        .then(pl.col("t_s") - 20)
        .otherwise(pl.col("t_s"))
    )
    indexed = stepped.with_row_index("i")
    doubled = pl.concat([indexed, indexed.gather_every(50)]).sort("i", maintain_order=True)
    expected_times = stepped["t_s"].n_unique()
    session = device_session(3600.0, 3600.0, total_distance=10080.0)
    spec = SessionSpec("running", doubled.drop("i"), totals=session)
    got = import_one(settings, write_fit(tmp_path / "steps.fit", START, [spec]))
    assert got["samples"] == expected_times
    assert (got["elapsed"], got["moving"], got["distance"]) == (3600.0, 3600.0, 10080.0)
    times = [ts for (ts,) in rows(settings, "SELECT ts FROM samples ORDER BY ts")]
    assert len(set(times)) == len(times) == expected_times
    assert sample_days(settings) == {RUN_DAY}


@pytest.mark.parametrize(
    ("pause_s", "timer_s", "elapsed_s", "moving", "elapsed"),
    [
        # 4200 s on the clock with a 10-minute pause; the fields swapped, as a
        # Nielsen-Kellerman writes them: read the other way round
        (600, 4200.0, 3600.0, 3600.0, 4200.0),
        # a few tenths over is the device's rounding: as written
        (0, 3600.4, 3600.0, 3600.4, 3600.0),
    ],
)
def test_a_timer_longer_than_the_elapsed_time(
    settings, tmp_path, pause_s, timer_s, elapsed_s, moving, elapsed
):
    samples = run_samples().with_columns(
        t_s=pl.when(pl.col("t_s") > 1800).then(pl.col("t_s") + pause_s).otherwise("t_s")
    )
    session = device_session(elapsed_s, timer_s, total_distance=10080.0)
    spec = SessionSpec("running", samples, totals=session)
    got = import_one(settings, write_fit(tmp_path / "timer.fit", START, [spec]))
    assert (got["moving"], got["elapsed"]) == (pytest.approx(moving), pytest.approx(elapsed))
    assert (got["distance"], got["source"]) == (10080.0, "session")


def test_records_that_stop_early_leave_a_long_session_standing(settings, tmp_path):
    """A 14-hour ultra whose watch wrote records for the first hour only (memory full):
    the timer ran all along, so the long elapsed time is not a clock jump."""
    session = device_session(14 * 3600.0, 14 * 3600.0, total_distance=100_000.0)
    spec = SessionSpec("running", run_samples(), totals=session)
    got = import_one(settings, write_fit(tmp_path / "ultra.fit", START, [spec]))
    assert (got["elapsed"], got["moving"]) == (14 * 3600.0, 14 * 3600.0)
    assert (got["distance"], got["samples"], got["source"]) == (100_000.0, 721, "session")


def test_sport_names_come_from_the_current_fit_profile(settings, tmp_path):
    """Sub-sport 67 is `ultra` in Garmin's profile; fitparse's 2020 profile stops at 59."""
    spec = SessionSpec("running", run_samples(), sub_sport="ultra")
    import_paths(settings, [write_fit(tmp_path / "ultra.fit", START, [spec])])
    assert rows(settings, "SELECT sport, sub_sport FROM activities") == [("running", "ultra")]
