"""Metrics on a small built history whose right answers are worked out by hand.

The athlete lives in Denver (UTC-7 in winter). Weeks start on Monday, local time.

    week of 2026-01-05   Tue 6 road, Thu 6 track, Sat 12 trail (+100 m / -100 m),
                         Sun 19:30 6 road (Monday 02:30 UTC)        30 km, 4 runs, 2 rest
    week of 2026-01-12   Mon-Fri 6 road each, Sat 15 trail, Sun 6 road 51 km, 7 runs, 0 rest
    week of 2026-01-19   nothing                                      0 km, 7 rest days
    week of 2026-01-26   Wed ride 60 min, Sat 24 road at 160 spm     24 km, 1 run
    then months of nothing, and Mon 2026-06-01 6 road (summer: UTC-6)
"""

from __future__ import annotations

import math
import random
import statistics
import sys
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb
import polars as pl
import pytest

from gaitload import metrics, streams
from gaitload.config import AthleteSettings
from gaitload.demo.fitwriter import SessionSpec, write_fit
from gaitload.ingest import import_paths
from gaitload.store import db
from tests.builders import steady_run
from tests.conftest import make_settings

DENVER = ZoneInfo("America/Denver")
PLAN = [
    # local start, km, sub_sport, extra
    (datetime(2026, 1, 6, 7, 0), 6, "street", {}),
    (datetime(2026, 1, 8, 7, 0), 6, "track", {}),
    (datetime(2026, 1, 10, 8, 0), 12, "trail", {"climb_m": 100.0}),
    (datetime(2026, 1, 11, 19, 30), 6, "street", {}),
    *[(datetime(2026, 1, d, 7, 0), 6, "street", {}) for d in (12, 13, 14, 15, 16)],
    (datetime(2026, 1, 17, 8, 0), 15, "trail", {"cadence_spm": (174.0, 171.0, 168.0)}),
    (datetime(2026, 1, 18, 7, 0), 6, "street", {}),
    (datetime(2026, 1, 31, 8, 0), 24, "street", {"cadence_spm": 160.0}),
    (datetime(2026, 6, 1, 7, 0), 6, "street", {}),
]
RIDE = datetime(2026, 1, 28, 17, 0)


def to_utc(local: datetime) -> tuple[datetime, int]:
    aware = local.replace(tzinfo=DENVER)
    return aware.astimezone(UTC), int(aware.utcoffset().total_seconds())


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    root = tmp_path_factory.mktemp("history")
    (root / "fit").mkdir()
    settings = make_settings(
        root, default_athlete="hand", athletes={"hand": AthleteSettings("hand", "America/Denver")}
    )
    for i, (local, km, sub_sport, extra) in enumerate(PLAN):
        start, offset = to_utc(local)
        write_fit(
            root / "fit" / f"run{i:02}.fit",
            start,
            [SessionSpec("running", steady_run(km, **extra), sub_sport=sub_sport)],
            local_offset_s=offset,
        )
    ride = steady_run(36, speed_m_s=10.0).drop("cadence_spm").with_columns(cadence_rpm=90.0)
    start, offset = to_utc(RIDE)
    write_fit(
        root / "fit" / "ride.fit",
        start,
        [SessionSpec("cycling", ride, "road")],
        local_offset_s=offset,
    )
    report = import_paths(settings, [root / "fit"], workers=1)
    assert report.count("imported") == len(PLAN) + 1
    return settings


def q(settings, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def day(settings, column: str, d: date):
    ((value,),) = q(settings, f"SELECT {column} FROM load_signals WHERE day = ?", [d])
    return value


def test_weekly_totals(history):
    weeks = q(
        history,
        "SELECT week_start, km, runs, rest_days, days, ascent_m, descent_m, "
        "cross_training_s FROM weekly_load WHERE week_start < '2026-02-09' ORDER BY week_start",
    )
    assert weeks == [
        # the calendar starts on the first activity, a Tuesday: 6 days, Wed and Fri rest
        (date(2026, 1, 5), 30.0, 4, 2, 6, pytest.approx(100.0), pytest.approx(100.0), 0.0),
        (date(2026, 1, 12), 51.0, 7, 0, 7, 0.0, 0.0, 0.0),
        (date(2026, 1, 19), 0.0, 0, 7, 7, 0.0, 0.0, 0.0),
        (date(2026, 1, 26), 24.0, 1, 6, 7, 0.0, 0.0, 3600.0),
        (date(2026, 2, 2), 0.0, 0, 7, 7, 0.0, 0.0, 0.0),
    ]


def test_sunday_evening_run_counts_in_sundays_week(history):
    rows = q(
        history,
        "SELECT start_time_utc, local_date FROM activity_metrics "
        "WHERE start_time_local = '2026-01-11 19:30:00'",
    )
    assert rows == [(datetime(2026, 1, 12, 2, 30), date(2026, 1, 11))]
    assert q(history, "SELECT runs FROM daily_load WHERE day = '2026-01-11'") == [(1,)]


def test_week_over_week_and_seven_day_ramp(history):
    ((change,),) = q(
        history, "SELECT km_change_pct FROM weekly_load WHERE week_start = '2026-01-12'"
    )
    assert change == pytest.approx((51 - 30) / 30 * 100)  # +70 %
    assert day(history, "distance_7d_m", date(2026, 1, 18)) == 51_000
    assert day(history, "distance_prev_7d_m", date(2026, 1, 18)) == 30_000
    assert day(history, "ramp_7d_pct", date(2026, 1, 18)) == pytest.approx(70.0)
    # no history before the first week: no ramp, rather than an infinite one
    assert day(history, "ramp_7d_pct", date(2026, 1, 8)) is None


def test_long_run_spike_against_the_previous_30_days(history):
    assert day(history, "long_run_spike_pct", date(2026, 1, 17)) == pytest.approx(25.0)  # 15/12
    assert day(history, "long_run_spike_pct", date(2026, 1, 31)) == pytest.approx(60.0)  # 24/15
    assert day(history, "long_run_spike_pct", date(2026, 1, 28)) is None  # no run that day
    # after months without running there is nothing to compare with: no spike, no division
    assert day(history, "longest_prev_30d_m", date(2026, 6, 1)) == 0
    assert day(history, "long_run_spike_pct", date(2026, 6, 1)) is None


def test_rest_days_and_consecutive_running_days(history):
    assert day(history, "consecutive_run_days", date(2026, 1, 18)) == 9  # Sat 10 to Sun 18
    assert day(history, "rest_days_7d", date(2026, 1, 18)) == 0
    assert day(history, "rest_days_7d", date(2026, 1, 25)) == 7
    assert day(history, "rest_days_14d", date(2026, 1, 25)) == 7
    assert day(history, "consecutive_run_days", date(2026, 1, 19)) == 0


def test_monotony_and_strain(history):
    loads = [6, 6, 6, 6, 6, 15, 6]  # 12-18 January, flat runs: effort = km
    monotony = statistics.mean(loads) / statistics.pstdev(loads)
    assert day(history, "monotony_7d", date(2026, 1, 18)) == pytest.approx(monotony)
    assert day(history, "strain_7d", date(2026, 1, 18)) == pytest.approx(51 * monotony)
    assert monotony == pytest.approx(2.3134, abs=1e-4)


def test_acwr_rolling_and_ewma(history):
    # ACWR needs 28 days of history; by 2 February: acute 24/7, chronic (30+51+0+24+0...)
    assert day(history, "acwr", date(2026, 1, 20)) is None
    series = q(history, "SELECT day, effort_km FROM daily_load ORDER BY day")
    loads = {d: v for d, v in series}
    target = date(2026, 2, 2)
    window = [loads[target - timedelta(days=i)] for i in range(28)]
    acute = sum(window[:7]) / 7
    chronic = sum(window) / 28
    assert day(history, "acwr", target) == pytest.approx(acute / chronic)
    # EWMA by the recurrence, seeded with the first day of the 200-day window
    values = [v for d, v in series if target - timedelta(days=199) <= d <= target]
    ewma_a = ewma_c = values[0]
    for v in values[1:]:
        ewma_a = ewma_a * (1 - 2 / 8) + v * 2 / 8
        ewma_c = ewma_c * (1 - 2 / 29) + v * 2 / 29
    assert day(history, "ewma_acute", target) == pytest.approx(ewma_a)
    assert day(history, "acwr_ewma", target) == pytest.approx(ewma_a / ewma_c)


def test_elevation_from_the_smoothed_stream(history):
    ((ascent, descent, up5, down5, climb),) = q(
        history,
        "SELECT ascent_m, descent_m, distance_up5_m, distance_down5_m, "
        "climb_m_per_km FROM activity_metrics WHERE local_date = '2026-01-10'",
    )
    assert ascent == pytest.approx(100.0) and descent == pytest.approx(100.0)
    # the ramps are a fifth of 12 km each at 100/2400 = 4.2 %: never steeper than 5 %
    assert up5 == 0 and down5 == 0
    assert climb == pytest.approx(100 / 12)
    assert day(history, "descent_7d_m", date(2026, 1, 11)) == pytest.approx(100.0)


def test_steep_ramps_count_as_distance_on_grade(tmp_path):
    settings = make_settings(tmp_path)
    # 6 km, ramps of 1.2 km each rising 120 m: 10 % up, then 10 % down
    write_fit(
        tmp_path / "hill.fit",
        datetime(2026, 3, 3, 14, tzinfo=UTC),
        [SessionSpec("running", steady_run(6, climb_m=120.0), "trail")],
    )
    import_paths(settings, [tmp_path / "hill.fit"])
    ((up5, down5, grades),) = q(
        settings,
        "SELECT distance_up5_m, distance_down5_m, (SELECT sum(distance_m) FROM "
        "activity_grades WHERE grade_bin = '5% to 10%' OR grade_bin = '10% and above')"
        " FROM activity_metrics",
    )
    # 1,200 m of ramp each way; the 31 s grade window softens one 30 m step at each corner
    assert up5 == pytest.approx(1200, abs=61) and down5 == pytest.approx(1200, abs=61)
    # the bins count a grade of exactly 5 % (a softened corner) in "5% to 10%"
    assert up5 <= grades <= up5 + 61


def test_cadence_thirds_and_baseline(history):
    ((first, last, drop),) = q(
        history,
        "SELECT cadence_first_third_spm, cadence_last_third_spm, cadence_drop_spm "
        "FROM activity_metrics WHERE local_date = '2026-01-17'",
    )
    assert (first, last, drop) == (174.0, 168.0, 6.0)
    ((cadence, baseline, share, deviation),) = q(
        history,
        "SELECT cadence_spm, baseline_spm, pace_matched_share, deviation_pct "
        "FROM cadence_baseline WHERE local_date = '2026-01-31'",
    )
    # the eight weeks before: nine 6 km runs and the 12 km at 170 spm, and the 15 km whose
    # 500 steps of 10 s ran 166 at 174, 167 at 171 and 167 at 168 spm; all at 3 m/s, so the
    # pace-matched baseline is the time-weighted mean of them all
    long_run = (166 * 174 + 167 * 171 + 167 * 168) / 500
    runs = [(2000, 170.0)] * 9 + [(4000, 170.0), (5000, long_run)]
    expected = sum(t * c for t, c in runs) / sum(t for t, _ in runs)
    assert cadence == 160.0 and share == 1.0
    assert baseline == pytest.approx(expected)
    assert deviation == pytest.approx((160 - expected) / expected * 100)


def test_surface_mix_and_evenness(history):
    shares = dict(
        q(
            history,
            "SELECT surface, share_28d FROM surface_mix "
            "WHERE day = '2026-01-18' AND distance_28d_m > 0",
        )
    )
    road, trail, track = 12 + 36, 12 + 15, 6
    total = road + trail + track
    assert shares == pytest.approx(
        {"road": road / total, "trail": trail / total, "track": track / total}
    )
    ((evenness, top),) = q(
        history,
        "SELECT evenness_28d, top_surface_28d FROM surface_variety WHERE day = '2026-01-18'",
    )
    p = [road / total, trail / total, track / total]
    assert evenness == pytest.approx(-sum(x * math.log(x) for x in p) / math.log(4))
    assert top == "road"


def test_cross_training_is_kept_and_classified(history):
    rows = q(
        history,
        "SELECT sport, activity_class, effort_km FROM activity_metrics WHERE sport <> 'running'",
    )
    assert rows == [("cycling", "cross_training", None)]
    assert day(history, "cross_training_28d_s", date(2026, 1, 31)) == 3600


def test_a_gap_of_months_is_rest_days_not_missing_rows(history):
    rows = q(
        history,
        "SELECT count(*), count(*) FILTER (WHERE rest_day) FROM daily_load "
        "WHERE day > '2026-01-31' AND day < '2026-06-01'",
    )
    assert rows == [(120, 120)]
    weeks = q(
        history,
        "SELECT count(*) FROM weekly_load WHERE week_start BETWEEN "
        "'2026-02-02' AND '2026-05-25' AND km = 0 AND rest_days = 7",
    )
    assert weeks == [(17,)]


def test_no_run_ever_counts_as_zero_load(tmp_path):
    settings = make_settings(tmp_path)
    no_strap = steady_run(6, heart_rate=None)
    treadmill = steady_run(6, gps=False).with_columns(distance_m=pl.lit(None, pl.Float64))
    write_fit(
        tmp_path / "a.fit",
        datetime(2026, 3, 3, 14, tzinfo=UTC),
        [SessionSpec("running", no_strap, "street")],
    )
    write_fit(
        tmp_path / "b.fit",
        datetime(2026, 3, 4, 14, tzinfo=UTC),
        [SessionSpec("running", treadmill, "treadmill")],
    )
    import_paths(settings, [tmp_path / "a.fit", tmp_path / "b.fit"])
    rows = q(settings, "SELECT trimp, effort_km FROM activity_metrics ORDER BY local_date")
    assert rows[0] == (None, 6.0)  # no heart rate: distance-based load still counts
    assert rows[1][1] == pytest.approx(2000 / 360)  # no distance: 2000 s at 6:00/km


def test_trimp_by_hand_and_recomputed_when_heart_rate_settings_change(tmp_path):
    settings = make_settings(tmp_path)
    write_fit(
        tmp_path / "a.fit",
        datetime(2026, 3, 3, 14, tzinfo=UTC),
        [SessionSpec("running", steady_run(6, heart_rate=150), "street")],
    )
    import_paths(settings, [tmp_path / "a.fit"])
    minutes = 2000 / 60  # 200 steps of 10 s

    def trimp(rest: float, top: float) -> float:
        r = (150 - rest) / (top - rest)
        return minutes * r * 0.64 * math.exp(1.92 * r)

    assert q(settings, "SELECT trimp FROM activity_metrics") == [(pytest.approx(trimp(60, 190)),)]
    tuned = make_settings(
        tmp_path,
        athletes={"tester": AthleteSettings("tester", "Europe/Zurich", hr_rest=50, hr_max=180)},
    )
    import_paths(tuned, [])  # the next run picks up the new settings
    assert q(settings, "SELECT trimp FROM activity_metrics") == [(pytest.approx(trimp(50, 180)),)]


def test_refresh_touches_only_new_activities_and_full_rebuilds_all(history):
    with db.opened(history.db_path) as con:
        assert metrics.refresh(con).activities == 0
        before = con.execute("SELECT * FROM activity_metrics ORDER BY activity_id").fetchall()
        assert metrics.refresh(con, full=True).activities == len(PLAN) + 1
        after = con.execute("SELECT * FROM activity_metrics ORDER BY activity_id").fetchall()
    assert after == before


def test_a_run_without_altitude_has_no_grade(tmp_path):
    settings = make_settings(tmp_path)
    indoor = steady_run(6, gps=False).with_columns(altitude_m=pl.lit(None, pl.Float64))
    write_fit(
        tmp_path / "treadmill.fit",
        datetime(2026, 3, 3, 14, tzinfo=UTC),
        [SessionSpec("running", indoor, "treadmill")],
    )
    import_paths(settings, [tmp_path / "treadmill.fit"])
    rows = q(settings, "SELECT distance_up5_m, distance_down5_m, descent_m FROM activity_metrics")
    assert rows == [(None, None, None)]  # not 6 km "uphill": no altitude, no grade
    assert q(settings, "SELECT count(*) FROM activity_grades") == [(0,)]


def _stored_metrics(con) -> list[tuple]:
    return (
        con.execute(
            "SELECT * EXCLUDE (computed_at) FROM core.activity_metrics ORDER BY activity_id"
        ).fetchall()
        + con.execute(
            "SELECT * FROM core.activity_cadence_pace UNION ALL BY NAME "
            "SELECT * FROM core.activity_grades ORDER BY ALL"
        ).fetchall()
    )


def test_batches_and_storage_order_do_not_change_the_numbers(history, monkeypatch, tmp_path):
    """The stream stage reads samples in batches and trusts their stored order only after
    checking it: tiny batches, and an activity whose samples were rewritten out of order
    (as a merge does), give the numbers of one batch in order."""
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(history.db_path.read_bytes())
    with db.opened(copy) as con:
        metrics.refresh(con, full=True)
        expected = _stored_metrics(con)
        (trail,) = con.execute(
            "SELECT activity_id FROM activity_metrics WHERE local_date = '2026-01-10'"
        ).fetchone()
        con.execute(  # rewrite the trail run's samples, newest first, at the end of the table
            "CREATE TEMP TABLE moved AS SELECT * FROM core.samples WHERE activity_id = ? "
            "ORDER BY ts DESC",
            [trail],
        )
        con.execute("DELETE FROM core.samples WHERE activity_id = ?", [trail])
        con.execute("INSERT INTO core.samples SELECT * FROM moved")
        monkeypatch.setattr(sys.modules["gaitload.metrics.refresh"], "BATCH_SAMPLES", 150)
        assert metrics.refresh(con, full=True).activities == len(PLAN) + 1
        assert _stored_metrics(con) == expected


def _gain_walking_every_sample(values: list[float], threshold: float) -> tuple[float, float]:
    """The climb as first written: every sample through the hysteresis loop."""
    if len(values) < 2:
        return 0.0, 0.0
    ascent = descent = 0.0
    low = high = turn = extreme = values[0]
    direction = 0
    for v in values[1:]:
        if direction == 0:
            low, high = min(low, v), max(high, v)
            if v - low > threshold:
                direction, turn, extreme = 1, low, v
            elif high - v > threshold:
                direction, turn, extreme = -1, high, v
        elif direction > 0:
            if v > extreme:
                extreme = v
            elif extreme - v > threshold:
                ascent += extreme - turn
                direction, turn, extreme = -1, extreme, v
        elif v < extreme:
            extreme = v
        elif v - extreme > threshold:
            descent += turn - extreme
            direction, turn, extreme = 1, extreme, v
    if direction > 0:
        ascent += extreme - turn
    elif direction < 0:
        descent += turn - extreme
    return ascent, descent


def test_the_climb_from_turning_points_equals_walking_every_sample():
    rng = random.Random(7)
    for _ in range(5000):
        values = [
            float(rng.choice([rng.randint(-4, 4), rng.uniform(-9, 9)]))
            for _ in range(rng.randint(0, 50))
        ]
        threshold = rng.choice([0.0, 1.0, 2.0, 2.5])
        assert streams.gain(values, threshold) == _gain_walking_every_sample(values, threshold)
