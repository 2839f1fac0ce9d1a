"""The batched stream stage gives the numbers of the one it replaced, on awkward histories.

`tests/per_activity_before.py` is the stage as it was (per-activity polars frames, polars
group-bys, the climb loop over every turning point). Both run here on the same generated
samples: smart recording, sub-second and duplicate timestamps, pauses, rows out of order,
activities without altitude, GPS, heart rate or samples at all, distance resets, speed
glitches, quantised altitude. The per-activity rows must be equal to the bit; the per-band
sums, which are now added in sample order instead of polars' order, to rounding.
"""

from __future__ import annotations

import random

import numpy as np
import polars as pl
import pytest

from gaitload import streams
from gaitload.metrics import per_activity
from gaitload.store import db
from tests import per_activity_before as before
from tests.test_metrics import _gain_walking_every_sample

PARAMS = {"pause_gap_s": streams.PAUSE_GAP_S, "moving_speed": 0.5}
T0_US = 1_767_225_600 * 1_000_000  # 2026-01-01


def _activity(rng: np.random.Generator, activity_id: int) -> pl.DataFrame | None:
    kind = rng.choice(["run", "run", "run", "no_altitude", "no_gps", "tiny", "manual"])
    if kind == "manual":
        return None
    n = int(rng.integers(0, 3)) if kind == "tiny" else int(rng.integers(200, 4000))
    steps = rng.choice([1.0, 1.0, 0.5, 2.0])
    step_s = np.full(n, steps)
    if rng.random() < 0.5:  # smart recording
        step_s = rng.integers(1, 8, n).astype(float)
    step_s[rng.random(n) < 0.01] = 0.0  # duplicate timestamps
    step_s[rng.random(n) < 0.003] = rng.uniform(31, 900)  # pauses
    t_s = np.cumsum(step_s)
    speed = np.clip(3.0 + 0.6 * np.sin(t_s / 200) + rng.normal(0, 0.3, n), 0, None)
    speed[rng.random(n) < 0.02] = 0.0  # standing
    speed[rng.random(n) < 0.001] = 5e4  # a glitch
    distance = np.cumsum(speed * step_s)
    if n and rng.random() < 0.2:
        distance[n // 2 :] -= 100.0  # a reset: negative steps count as none
    hills_m, period_s = rng.uniform(5, 150), rng.uniform(60, 900)
    altitude = 1600 + hills_m * np.sin(t_s / period_s) + rng.normal(0, 1.2, n)
    if rng.random() < 0.5:
        altitude = np.round(altitude * 5) / 5  # a barometer's 0.2 m
    cadence = 170 + 5 * np.sin(t_s / 300) + rng.normal(0, 1.5, n)
    cadence[speed < 0.5] = 0.0
    heart = np.round(140 + 20 * np.sin(t_s / 900) + rng.normal(0, 3, n))
    frame = pl.DataFrame(
        {
            "activity_id": np.full(n, activity_id, dtype=np.int64),
            "ts_us": (T0_US + activity_id * 86_400 * 1_000_000 + t_s * 1e6).astype(np.int64),
            "lat": 39.7 + distance * 9e-6,
            "lon": -105.0 + np.sin(distance / 500) * 1e-3,
            "altitude_m": altitude,
            "distance_m": distance,
            "speed_m_s": speed,
            "heart_rate": heart.astype(np.int16),
            "cadence_spm": cadence,
        }
    )
    holes = {c: rng.random(n) < rng.choice([0.0, 0.05, 0.5]) for c in frame.columns[2:]}
    frame = frame.with_columns(
        pl.when(pl.Series(holes[c])).then(None).otherwise(pl.col(c)).alias(c) for c in holes
    )
    if kind == "no_altitude":
        frame = frame.with_columns(altitude_m=None)
    if kind == "no_gps":
        frame = frame.with_columns(lat=None, lon=None)
    if rng.random() < 0.2:
        frame = frame.with_columns(heart_rate=None)
    if rng.random() < 0.1:
        frame = frame.sample(fraction=1.0, shuffle=True, seed=activity_id)  # rewritten rows
    return frame.cast(
        {"altitude_m": pl.Float64, "lat": pl.Float64, "lon": pl.Float64, "heart_rate": pl.Int16}
    )


def _history(seed: int, activities: int) -> tuple[list[int], pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    ids = list(range(1, activities + 1))
    frames = [f for f in (_activity(rng, i) for i in ids) if f is not None]
    samples = pl.concat(frames)
    heart = pl.DataFrame(
        {
            "activity_id": ids,
            "hr_rest": rng.choice([60.0, 48.0, 190.0], len(ids), p=[0.6, 0.3, 0.1]),
            "hr_max": rng.choice([190.0, 185.0], len(ids)),
        },
        schema={"activity_id": pl.Int64, "hr_rest": pl.Float64, "hr_max": pl.Float64},
    )
    return ids, samples, heart


def _old(ids: list[int], samples: pl.DataFrame, heart: pl.DataFrame) -> before.Computed:
    with_ts = samples.with_columns(ts=pl.from_epoch("ts_us", time_unit="us")).drop("ts_us")
    return before.compute(ids, with_ts, heart, before.Params(**PARAMS))


def _new(ids: list[int], samples: pl.DataFrame, heart: pl.DataFrame) -> per_activity.Computed:
    return per_activity.compute(ids, samples, heart, per_activity.Params(**PARAMS))


def _same(old: pl.DataFrame, new: pl.DataFrame, keys: list[str], exact: bool) -> None:
    old, new = old.sort(keys), new.select(old.columns).sort(keys)
    assert old.schema == new.schema
    assert old.height == new.height
    for column in old.columns:
        a, b = old[column], new[column]
        assert a.is_null().equals(b.is_null()), column
        if exact or not a.dtype.is_float():
            assert a.equals(b), column
        else:
            assert a.drop_nulls().to_numpy() == pytest.approx(
                b.drop_nulls().to_numpy(), rel=1e-12, abs=1e-9
            ), column


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_batched_stage_gives_the_numbers_of_the_one_it_replaced(seed):
    ids, samples, heart = _history(seed, 60)
    old, new = _old(ids, samples, heart), _new(ids, samples, heart)
    assert new.metrics.height == len(ids)
    assert new.metrics["ascent_m"].drop_nulls().sum() > 0  # the history has hills...
    assert new.grades["grade_bin"].n_unique() == 7  # ... steep enough for every band
    assert new.metrics["trimp"].null_count() < len(ids)
    _same(old.metrics, new.metrics, ["activity_id"], exact=True)
    _same(old.cadence_pace, new.cadence_pace, ["activity_id", "speed_bin"], exact=False)
    _same(old.grades, new.grades, ["activity_id", "grade_from"], exact=False)


def test_an_activity_does_not_depend_on_its_batch():
    """The same activity alone and among others: the same numbers, to the bit."""
    ids, samples, heart = _history(4, 30)
    together = _new(ids, samples, heart)
    for activity_id in (3, 17, 29):
        alone = _new([activity_id], samples.filter(pl.col("activity_id") == activity_id), heart)
        for name in ("metrics", "cadence_pace", "grades"):
            expected = getattr(together, name).filter(pl.col("activity_id") == activity_id)
            _same(expected, getattr(alone, name), list(expected.columns[:1]), exact=True)


def test_a_wild_speed_does_not_blow_up_the_pace_bands():
    samples = pl.DataFrame(
        {
            "activity_id": [1] * 5,
            "ts_us": [0, 1_000_000, 2_000_000, 3_000_000, 4_000_000],
            "lat": [None] * 5,
            "lon": [None] * 5,
            "altitude_m": [None] * 5,
            "distance_m": [0.0, 3.0, 6.0, 9.0, 12.0],
            "speed_m_s": [3.0, 3.0, 4e15, 3.1, float("inf")],
            "heart_rate": [None] * 5,
            "cadence_spm": [170.0] * 5,
        },
        schema_overrides={
            "lat": pl.Float64,
            "lon": pl.Float64,
            "altitude_m": pl.Float64,
            "heart_rate": pl.Int16,
        },
    )
    heart = pl.DataFrame({"activity_id": [1], "hr_rest": [60.0], "hr_max": [190.0]})
    bands = _new([1], samples, heart).cadence_pace.sort("speed_bin")
    assert bands["speed_bin"].to_list() == [3.0, 4e15]
    assert bands["seconds"].to_list() == [2.0, 1.0]  # the infinite one has no band


@pytest.mark.parametrize("min_swings", [0, streams.MIN_SWINGS])
def test_many_climbs_at_once_equal_each_walked_alone(monkeypatch, min_swings):
    """With `MIN_SWINGS` at 0 every trace goes through the rounds that drop inner swings."""
    monkeypatch.setattr(streams, "MIN_SWINGS", min_swings)
    rng = random.Random(3)
    for _ in range(300):
        traces = [
            [
                round(rng.gauss(0, 1) * 3 + 5 * np.sin(i / rng.uniform(2, 40)), 1)
                for i in range(rng.choice([0, 1, 2, rng.randint(3, 300)]))
            ]
            for _ in range(rng.randint(1, 6))
        ]
        threshold = rng.choice([0.0, 1.0, 2.0, 3.0])
        flat: list[float] = []
        starts = []
        for trace in traces:
            flat += [99.0] * rng.randint(0, 2)  # values between the traces are not theirs
            starts.append(len(flat))
            flat += trace
        ascent, descent = streams.gains(
            np.array(flat), np.array(starts), np.array([len(t) for t in traces]), threshold
        )
        for i, trace in enumerate(traces):
            assert (ascent[i], descent[i]) == _gain_walking_every_sample(trace, threshold)


SELF_JOIN_BASELINE = """
WITH runs AS (
    SELECT activity_id, athlete, local_date, cadence_spm, moving_time_s
    FROM activity_metrics WHERE activity_class = 'run' AND cadence_spm > 0
),
bins AS (
    SELECT r.activity_id, r.athlete, r.local_date, c.speed_bin, c.seconds, c.cadence_spm
    FROM runs r JOIN core.activity_cadence_pace c USING (activity_id)
),
matched AS (
    SELECT cur.activity_id, cur.speed_bin, cur.seconds,
           sum(prev.cadence_spm * prev.seconds) / sum(prev.seconds) AS baseline_spm
    FROM bins cur JOIN bins prev
      ON prev.athlete = cur.athlete AND prev.speed_bin = cur.speed_bin
     AND prev.local_date >= cur.local_date - 56 AND prev.local_date < cur.local_date
    GROUP BY ALL
),
pace_matched AS (
    SELECT m.activity_id,
           sum(m.baseline_spm * m.seconds) / sum(m.seconds) AS baseline_pace_spm,
           sum(m.seconds) AS matched_s
    FROM matched m GROUP BY m.activity_id
),
overall AS (
    SELECT cur.activity_id,
           sum(prev.cadence_spm * prev.moving_time_s) / sum(prev.moving_time_s)
               AS baseline_all_spm,
           count(*) AS baseline_runs
    FROM runs cur JOIN runs prev
      ON prev.athlete = cur.athlete
     AND prev.local_date >= cur.local_date - 56 AND prev.local_date < cur.local_date
    GROUP BY cur.activity_id
),
moving AS (
    SELECT activity_id, sum(seconds) AS binned_s
    FROM core.activity_cadence_pace GROUP BY activity_id
)
SELECT r.activity_id, r.athlete, r.local_date, r.cadence_spm,
       o.baseline_runs,
       o.baseline_all_spm,
       p.baseline_pace_spm,
       p.matched_s / nullif(mv.binned_s, 0) AS pace_matched_share,
       CASE WHEN p.matched_s / nullif(mv.binned_s, 0) >= 0.5 THEN p.baseline_pace_spm
            ELSE o.baseline_all_spm END AS baseline_spm,
       (r.cadence_spm - CASE WHEN p.matched_s / nullif(mv.binned_s, 0) >= 0.5
                             THEN p.baseline_pace_spm ELSE o.baseline_all_spm END)
           / nullif(CASE WHEN p.matched_s / nullif(mv.binned_s, 0) >= 0.5
                         THEN p.baseline_pace_spm ELSE o.baseline_all_spm END, 0) * 100
           AS deviation_pct
FROM runs r
LEFT JOIN overall o USING (activity_id)
LEFT JOIN pace_matched p USING (activity_id)
LEFT JOIN moving mv USING (activity_id)
"""
"""`cadence_baseline` as first written: each run joined to every earlier run (and each band
to every earlier band) within 56 days. The view now uses window frames; same rows."""


def test_the_cadence_baseline_windows_equal_the_self_join(tmp_path):
    """Runs on the same day, exactly 56 and 57 days apart, bands that match nothing, runs
    without moving time, a second athlete: the frames give the join's rows."""
    rng = random.Random(5)
    days = [0, 0, 1, 3, 3, 10, 30, 56, 57, 58, 60, 113, 114, 200, 201, 201, 256]
    with db.opened(tmp_path / "cb.duckdb") as con:
        con.execute("INSERT INTO core.athletes (name, timezone) VALUES ('a', 'UTC'), ('b', 'UTC')")
        for i, d in enumerate(days * 2):
            athlete = 1 + i // len(days)
            moving = None if i % 7 == 3 else rng.uniform(1500, 5000)
            con.execute(
                "INSERT INTO core.activities (athlete_id, source, source_id, sport, "
                "start_time_utc, utc_offset_min, offset_source, totals_source, distance_m, "
                "moving_time_s) VALUES (?, 't', ?, 'running', TIMESTAMP '2026-01-01 07:00' "
                "+ to_days(?), 0, 'file', 'session', 8000, ?)",
                [athlete, str(i), d, moving],
            )
            (activity_id,) = con.execute("SELECT max(activity_id) FROM core.activities").fetchall()[
                0
            ]
            con.execute(
                "INSERT INTO core.activity_metrics (activity_id, has_gps, cadence_avg_spm) "
                "VALUES (?, true, ?)",
                [activity_id, rng.uniform(150, 185)],
            )
            for band in rng.sample(range(8, 20), rng.randint(0, 4)):
                con.execute(
                    "INSERT INTO core.activity_cadence_pace VALUES (?, ?, ?, ?)",
                    [activity_id, band * 0.25, rng.uniform(10, 900), rng.uniform(150, 185)],
                )
        columns = "activity_id, athlete, local_date, cadence_spm, baseline_runs"
        floats = (
            "baseline_all_spm, baseline_pace_spm, pace_matched_share, baseline_spm, deviation_pct"
        )
        view = con.execute(
            f"SELECT {columns}, {floats} FROM cadence_baseline ORDER BY 1"
        ).fetchall()
        join = con.execute(
            f"SELECT {columns}, {floats} FROM ({SELF_JOIN_BASELINE}) ORDER BY 1"
        ).fetchall()
    assert len(view) == len(days) * 2
    # nothing before: each athlete's first two runs, and the first after 86 days off
    assert sum(r[4] is None for r in view) == 6
    assert sum(r[6] is not None for r in view) > len(days)  # bands matched for most runs
    for got, expected in zip(view, join, strict=True):
        assert got[:5] == expected[:5]
        assert [v is None for v in got] == [v is None for v in expected]
        assert [v for v in got[5:] if v is not None] == pytest.approx(
            [v for v in expected[5:] if v is not None], rel=1e-12, abs=1e-9
        )
