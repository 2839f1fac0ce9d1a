"""The per-activity stream stage as it was before the batched rewrite (main at 3ebdfe8), kept
unchanged as the reference its successor must equal (tests/test_metrics_equivalence.py).

The original docstring follows.

The per-activity stream stage in polars: samples in, one metrics row per activity out.

DuckDB's RANGE windows (the centred 31 s altitude average and grade) and a Python UDF for
the hysteresis climb made a full rebuild of ten years cost ~15 s. Here the same figures come
from sorted arrays: a centred time window is two binary searches and a prefix sum, and the
climb loop sees only the altitude's turning points. The definitions are unchanged; they are
written out once, in the docstring of each step, and `docs/schema.md` describes the columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from gaitload import streams

HALF_WINDOW_S = 15
"""Altitude smoothing and grade both use the centred window t-15 s .. t+15 s (31 s)."""
GAIN_THRESHOLD_M = 2.0
"""Hysteresis on the already smoothed altitude: small enough for rolling terrain."""
STEEP = 0.05
SPEED_BIN = 0.25

_US = 1_000_000


@dataclass(frozen=True)
class Params:
    pause_gap_s: float
    moving_speed: float


@dataclass(frozen=True)
class Computed:
    """What one batch of activities adds to the three metrics tables."""

    metrics: pl.DataFrame
    cadence_pace: pl.DataFrame
    grades: pl.DataFrame

    @classmethod
    def concat(cls, parts: list[Computed]) -> Computed:
        return cls(
            metrics=pl.concat([p.metrics for p in parts], how="diagonal_relaxed"),
            cadence_pace=pl.concat([p.cadence_pace for p in parts]),
            grades=pl.concat([p.grades for p in parts]),
        )


def compute(
    activity_ids: list[int], samples: pl.DataFrame, heart: pl.DataFrame, params: Params
) -> Computed:
    """Metrics of `activity_ids` from their samples and the heart-rate settings (`hr_rest`,
    `hr_max` by activity, sorted by activity).

    Every activity gets a metrics row, even without samples (a manual entry), so that no
    activity is pending twice.
    """
    f = features(_with_heart(_in_order(samples), heart), params)
    return Computed(
        metrics=_metrics(activity_ids, f),
        cadence_pace=_cadence_pace(f),
        grades=_grades(f),
    )


def _in_order(samples: pl.DataFrame) -> pl.DataFrame:
    """The samples by activity, then time: as written, unless an activity was rewritten."""
    activity = samples["activity_id"].to_numpy()
    ts = samples["ts"].dt.epoch("us").to_numpy()
    same = np.diff(activity) == 0
    if not np.all((np.diff(activity) > 0) | (same & (np.diff(ts) >= 0))):
        samples = samples.sort("activity_id", "ts", maintain_order=True)
    return samples.with_columns(pl.col("activity_id").set_sorted())


def _with_heart(samples: pl.DataFrame, heart: pl.DataFrame) -> pl.DataFrame:
    at = np.searchsorted(heart["activity_id"].to_numpy(), samples["activity_id"].to_numpy())
    return samples.with_columns(
        hr_rest=heart["hr_rest"].gather(at), hr_max=heart["hr_max"].gather(at)
    )


def features(s: pl.DataFrame, params: Params) -> pl.DataFrame:
    """Per-sample features: time step, moving, smoothed altitude, grade, HR reserve.

    - `dt`: seconds since the previous sample; a gap longer than the pause threshold is a
      pause and adds no time (the first sample adds none either).
    - `altitude_smooth_m`: the mean of the altitudes within +-15 s (GPS altitude is noisy).
    - `d_dist`: distance gained since the previous sample, never negative.
    - `grade`: rise over run between the first and the last sample within +-15 s, clamped to
      +-50 %; none under 10 m of travel (standing) or without altitude (a treadmill).
    - `moving`: a time step at more than the moving speed (no speed stream: moving).

    The samples arrive sorted by activity, then time, so every per-activity step is a plain
    array operation with the activity boundaries cut out: no grouping.
    """
    b = _Bounds.of(s["activity_id"].to_numpy())
    ts_us = s["ts"].dt.epoch("us").to_numpy()
    lo, hi = _centred_window(b, ts_us, HALF_WINDOW_S * _US)
    altitude = _floats(s, "altitude_m")
    smooth = _window_mean(altitude, lo, hi)
    distance = _floats(s, "distance_m")
    run = distance[hi] - distance[lo]
    rise = smooth[hi] - smooth[lo]
    gap = b.step(ts_us.astype(np.float64)) / _US
    with np.errstate(invalid="ignore", divide="ignore"):
        grade = np.where((run >= 10) & ~np.isnan(rise), np.clip(rise / run, -0.5, 0.5), np.nan)
        dt = np.where(gap <= params.pause_gap_s, gap, 0.0)
        d_dist = np.nan_to_num(np.maximum(b.step(distance), 0.0), nan=0.0)
        speed = np.nan_to_num(_floats(s, "speed_m_s"), nan=1.0)
    moving = (dt > 0) & (speed > params.moving_speed)
    cumulative = b.cumsum(np.where(moving, dt, 0.0))
    hr, rest, top = _floats(s, "heart_rate"), _floats(s, "hr_rest"), _floats(s, "hr_max")
    with np.errstate(invalid="ignore", divide="ignore"):
        hrr = np.where((hr > 0) & (top > rest), np.clip((hr - rest) / (top - rest), 0, 1), np.nan)
    return s.with_columns(
        altitude_smooth_m=pl.Series(smooth, nan_to_null=True),
        grade=pl.Series(grade, nan_to_null=True),
        dt=pl.Series(dt),
        d_dist=pl.Series(d_dist),
        moving=pl.Series(moving),
        moving_cum_s=pl.Series(cumulative),
        moving_total_s=pl.Series(b.last(cumulative)),
        hrr=pl.Series(hrr, nan_to_null=True),
    )


def _floats(s: pl.DataFrame, column: str) -> np.ndarray:
    """A column as float64 with NaN for missing."""
    return s[column].to_numpy().astype(np.float64, copy=False)


@dataclass(frozen=True)
class _Bounds:
    """Where each activity starts and ends in a batch sorted by activity."""

    starts: np.ndarray
    lengths: np.ndarray

    @classmethod
    def of(cls, activity: np.ndarray) -> _Bounds:
        n = len(activity)
        starts = (
            np.flatnonzero(np.r_[True, activity[1:] != activity[:-1]]) if n else np.zeros(0, int)
        )
        return cls(starts, np.diff(np.r_[starts, n]))

    def step(self, values: np.ndarray) -> np.ndarray:
        """Change since the previous sample of the same activity; NaN on its first sample."""
        out = np.empty_like(values, dtype=np.float64)
        if len(values):
            out[1:] = np.diff(values)
            out[self.starts] = np.nan
        return out

    def sum(self, values: np.ndarray, where: np.ndarray, empty: float = np.nan) -> np.ndarray:
        """Per activity: the sum of `values` where `where` holds; `empty` where it never does."""
        if len(values) == 0:
            return np.zeros(0)
        taken = np.where(where, values, 0.0)
        counts = np.add.reduceat(where.astype(np.int64), self.starts)
        return np.where(counts > 0, np.add.reduceat(taken, self.starts), empty)

    def min(self, values: np.ndarray) -> np.ndarray:
        return self._extreme(np.fmin, values)

    def max(self, values: np.ndarray) -> np.ndarray:
        return self._extreme(np.fmax, values)

    def _extreme(self, ufunc: np.ufunc, values: np.ndarray) -> np.ndarray:
        """NaN-skipping per-activity extreme; NaN where an activity has no value."""
        return ufunc.reduceat(values, self.starts) if len(values) else np.zeros(0)

    def cumsum(self, values: np.ndarray) -> np.ndarray:
        """Running total within each activity, summed from its own first sample: a running
        total over the whole batch would round differently with other activities before it,
        and a sample exactly on a third's edge could change sides."""
        running = np.empty_like(values)
        for start, n in zip(self.starts, self.lengths, strict=True):
            np.cumsum(values[start : start + n], out=running[start : start + n])
        return running

    def last(self, values: np.ndarray) -> np.ndarray:
        """Each activity's last value, on every one of its samples."""
        return np.repeat(values[self.starts + self.lengths - 1], self.lengths)


def _centred_window(b: _Bounds, ts_us: np.ndarray, half_us: int) -> tuple[np.ndarray, np.ndarray]:
    """First and last index of the samples within +-half of each sample, in its activity.

    Activities are laid end to end on one axis with a gap wider than the window, so two
    binary searches over the whole batch never reach into a neighbouring activity.
    """
    if len(ts_us) == 0:
        return b.starts, b.starts
    first_ts = ts_us[b.starts]
    last_ts = ts_us[b.starts + b.lengths - 1]
    spans = last_ts - first_ts + 4 * half_us
    offsets = np.cumsum(np.r_[0, spans[:-1]]) - first_ts
    axis = ts_us + np.repeat(offsets, b.lengths)
    lo = np.searchsorted(axis, axis - half_us, side="left")
    hi = np.searchsorted(axis, axis + half_us, side="right") - 1
    return lo, hi


def _window_mean(values: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Mean of the non-missing values in [lo, hi]; NaN where there are none.

    Each window is summed on its own (not as a difference of running totals), so a value
    does not depend on what else is in the batch: a grade exactly on a band's edge stays
    on the same side whatever the batch holds.
    """
    present = ~np.isnan(values)
    total = _window_sum(np.where(present, values, 0.0), lo, hi)
    count = _window_sum(present.astype(np.float64), lo, hi)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / count


def _window_sum(values: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    if len(values) == 0:
        return values
    bounds = np.empty(2 * len(lo), dtype=np.int64)
    bounds[0::2], bounds[1::2] = lo, hi + 1
    return np.add.reduceat(np.r_[values, 0.0], bounds)[0::2]


def _metrics(activity_ids: list[int], f: pl.DataFrame) -> pl.DataFrame:
    """One row per activity.

    Each figure is a sum over the samples that meet its condition; a figure whose
    condition no sample meets is missing, not 0 (SQL's FILTER semantics).
    """
    b = _Bounds.of(f["activity_id"].to_numpy())
    dt = f["dt"].to_numpy()
    cadence = _floats(f, "cadence_spm")
    hr = _floats(f, "heart_rate")
    hrr = _floats(f, "hrr")
    grade = _floats(f, "grade")
    moving = f["moving"].to_numpy()
    stepping = moving & (cadence > 0)
    third = f["moving_total_s"].to_numpy() / 3
    cum = f["moving_cum_s"].to_numpy()
    first_third = stepping & (cum <= third)
    last_third = stepping & (cum > 2 * third)

    def weighted(value: np.ndarray, where: np.ndarray) -> np.ndarray:
        return b.sum(value * dt, where) / b.sum(dt, where)

    lat, lon = _floats(f, "lat"), _floats(f, "lon")
    has_gps = b.sum(np.ones_like(lat), ~np.isnan(lat)) > 1
    with np.errstate(invalid="ignore", divide="ignore"):
        lat_lo, lat_hi = np.radians(b.min(lat)), np.radians(b.max(lat))
        lon_lo, lon_hi = np.radians(b.min(lon)), np.radians(b.max(lon))
        half_chord = (
            np.sin((lat_hi - lat_lo) / 2) ** 2
            + np.cos(lat_lo) * np.cos(lat_hi) * np.sin((lon_hi - lon_lo) / 2) ** 2
        )
        any_grade = b.sum(np.ones_like(grade), ~np.isnan(grade)) > 0
        d_dist = f["d_dist"].to_numpy()
        per_activity = pl.DataFrame(
            {
                "activity_id": f["activity_id"].gather(b.starts),
                "moving_s": b.sum(dt, moving),
                "has_gps": has_gps,
                "gps_extent_m": np.where(
                    has_gps, 2 * streams.EARTH_RADIUS_M * np.arcsin(np.sqrt(half_chord)), np.nan
                ),
                "distance_up5_m": np.where(any_grade, b.sum(d_dist, grade > STEEP, 0.0), np.nan),
                "distance_down5_m": np.where(any_grade, b.sum(d_dist, grade < -STEEP, 0.0), np.nan),
                "cadence_avg_spm": weighted(cadence, stepping),
                "cadence_first_third_spm": weighted(cadence, first_third),
                "cadence_last_third_spm": weighted(cadence, last_third),
                "hr_avg": weighted(hr, hr > 0),
                # Banister's TRIMP: minutes x HR reserve x 0.64 e^(1.92 x HR reserve)
                "trimp": b.sum(dt / 60 * hrr * 0.64 * np.exp(1.92 * hrr), ~np.isnan(hrr)),
            },
            nan_to_null=True,
        )
    quantiles = (
        f.select("activity_id", "cadence_spm")
        .filter(pl.Series(stepping))
        .group_by("activity_id")
        .agg(
            cadence_p10_spm=pl.col("cadence_spm").quantile(0.1, "linear"),
            cadence_p50_spm=pl.col("cadence_spm").quantile(0.5, "linear"),
            cadence_p90_spm=pl.col("cadence_spm").quantile(0.9, "linear"),
        )
    )
    every = pl.DataFrame({"activity_id": activity_ids}, schema={"activity_id": pl.Int64})
    return (
        every.join(per_activity, on="activity_id", how="left")
        .join(quantiles, on="activity_id", how="left")
        .join(_climbs(f), on="activity_id", how="left")
        .with_columns(pl.col("has_gps").fill_null(False))
    )


def _climbs(f: pl.DataFrame) -> pl.DataFrame:
    """Ascent and descent of each activity's smoothed altitude, with hysteresis."""
    trace = f.select("activity_id", "altitude_smooth_m").drop_nulls()
    ids = trace["activity_id"].to_numpy()
    values = trace["altitude_smooth_m"].to_numpy()
    b = _Bounds.of(ids)
    gains = [
        _gain(values[start : start + n], GAIN_THRESHOLD_M)
        for start, n in zip(b.starts, b.lengths, strict=True)
    ]
    return pl.DataFrame(
        {
            "activity_id": ids[b.starts],
            "ascent_m": [g[0] for g in gains],
            "descent_m": [g[1] for g in gains],
        },
        schema={"activity_id": pl.Int64, "ascent_m": pl.Float64, "descent_m": pl.Float64},
    )


def _cadence_pace(f: pl.DataFrame) -> pl.DataFrame:
    """Cadence by pace band: a baseline compares like with like (a sprint is not a jog)."""
    return (
        f.select("activity_id", "moving", "cadence_spm", "speed_m_s", "dt")
        .filter(
            pl.col("moving")
            & (pl.col("cadence_spm") > 0)
            & (pl.col("speed_m_s") > 0)
            & (pl.col("dt") > 0)
        )
        .group_by("activity_id", band=(pl.col("speed_m_s") / SPEED_BIN).floor().cast(pl.Int64))
        .agg(
            seconds=pl.col("dt").sum(),
            cadence_spm=(pl.col("cadence_spm") * pl.col("dt")).sum() / pl.col("dt").sum(),
        )
        .select(
            "activity_id",
            speed_bin=pl.col("band") * SPEED_BIN,
            seconds="seconds",
            cadence_spm="cadence_spm",
        )
    )


GRADE_EDGES = [-0.10, -0.05, -0.02, 0.02, 0.05, 0.10]
GRADE_BINS = pl.DataFrame(  # [-inf,-10) [-10,-5) [-5,-2) [-2,2) [2,5) [5,10) [10,inf), percent
    {
        "bin": range(7),
        "grade_bin": [
            "below -10%",
            "-10% to -5%",
            "-5% to -2%",
            "-2% to 2%",
            "2% to 5%",
            "5% to 10%",
            "10% and above",
        ],
        "grade_from": [-50.0, -10.0, -5.0, -2.0, 2.0, 5.0, 10.0],
    },
    schema={"bin": pl.Int64, "grade_bin": pl.String, "grade_from": pl.Float64},
)


def _grades(f: pl.DataFrame) -> pl.DataFrame:
    """Distance per grade band (a grade on an edge belongs to the band above it)."""
    graded = f.select("activity_id", "grade", "d_dist").filter(
        pl.col("grade").is_not_null() & (pl.col("d_dist") > 0)
    )
    bins = np.searchsorted(GRADE_EDGES, graded["grade"].to_numpy(), side="right")
    return (
        graded.with_columns(bin=pl.Series(bins, dtype=pl.Int64))
        .group_by("activity_id", "bin")
        .agg(distance_m=pl.col("d_dist").sum())
        .join(GRADE_BINS, on="bin")
        .drop("bin")
    )


def _gain(values: Sequence[float] | np.ndarray, threshold_m: float) -> tuple[float, float]:
    """`ascent_descent` on plain values.

    Only the trace's turning points can start or end a climb, and a run of equal values is
    one value, so the loop below sees those alone: the same answer as walking every sample,
    at a tenth of the cost on a smoothed 1 Hz trace.
    """
    values = _turning_points(np.asarray(values, dtype=np.float64))
    if len(values) < 2:
        return 0.0, 0.0
    ascent = descent = 0.0
    low = high = values[0]  # range seen while the direction is still unknown
    direction = 0  # +1 climbing, -1 descending
    turn = extreme = values[0]
    for v in values[1:]:
        if direction == 0:
            low, high = min(low, v), max(high, v)
            if v - low > threshold_m:
                direction, turn, extreme = 1, low, v
            elif high - v > threshold_m:
                direction, turn, extreme = -1, high, v
        elif direction > 0:
            if v > extreme:
                extreme = v
            elif extreme - v > threshold_m:
                ascent += extreme - turn
                direction, turn, extreme = -1, extreme, v
        else:
            if v < extreme:
                extreme = v
            elif v - extreme > threshold_m:
                descent += turn - extreme
                direction, turn, extreme = 1, extreme, v
    if direction > 0:
        ascent += extreme - turn
    elif direction < 0:
        descent += turn - extreme
    return ascent, descent


def _turning_points(values: np.ndarray) -> list[float]:
    """The first and last value and every local extremum, repeats dropped."""
    if len(values) == 0:
        return []
    values = values[np.r_[True, np.diff(values) != 0]]
    if len(values) < 3:
        return values.tolist()
    step = np.sign(np.diff(values))
    turns = np.flatnonzero(step[1:] != step[:-1]) + 1
    return values[np.r_[0, turns, len(values) - 1]].tolist()
