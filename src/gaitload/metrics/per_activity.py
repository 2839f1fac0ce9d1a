"""The per-activity stream stage on arrays: samples in, one metrics row per activity out.

DuckDB's RANGE windows (the centred 31 s altitude average and grade) and a Python UDF for
the hysteresis climb made a full rebuild of ten years cost ~15 s. Here the same figures come
from a batch's columns as numpy arrays, sorted by activity then time: a centred time window
is two binary searches, a per-activity figure is a reduction between the activities'
boundaries (`np.add.reduceat`) and a per-band figure a `np.bincount`, so no step groups or
joins the samples. The definitions are unchanged; they are written out once, in the
docstring of each step, and `docs/schema.md` describes the columns.
"""

from __future__ import annotations

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
_NO_BAND = SPEED_BIN * 2.0**62
"""Speeds from here up have no whole-number band (and are no runner's)."""
QUANTILES = {"cadence_p10_spm": 0.1, "cadence_p50_spm": 0.5, "cadence_p90_spm": 0.9}

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
    """Metrics of `activity_ids` from their samples (`ts_us`: microseconds since the epoch)
    and the heart-rate settings (`hr_rest`, `hr_max` by activity, sorted by activity).

    Every activity gets a metrics row, even without samples (a manual entry), so that no
    activity is pending twice.
    """
    f = features(_in_order(samples), heart, params)
    return Computed(
        metrics=_metrics(activity_ids, f),
        cadence_pace=_cadence_pace(f),
        grades=_grades(f),
    )


def _in_order(samples: pl.DataFrame) -> pl.DataFrame:
    """The samples by activity, then time: as written, unless an activity was rewritten."""
    activity = samples["activity_id"].to_numpy()
    ts = samples["ts_us"].to_numpy()
    step = np.diff(activity)
    if not np.all((step > 0) | ((step == 0) & (np.diff(ts) >= 0))):
        samples = samples.sort("activity_id", "ts_us", maintain_order=True)
    return samples


@dataclass(frozen=True)
class Features:
    """Per-sample figures of a batch (see `features`), and the activities' boundaries."""

    b: _Bounds
    activity_ids: np.ndarray
    """Of each activity in the batch, in order (not per sample)."""
    lat: np.ndarray
    lon: np.ndarray
    speed: np.ndarray
    heart_rate: np.ndarray
    cadence: np.ndarray
    altitude_smooth: np.ndarray
    grade: np.ndarray
    dt: np.ndarray
    d_dist: np.ndarray
    moving: np.ndarray
    moving_cum_s: np.ndarray
    moving_total_s: np.ndarray
    """Of each activity (not per sample)."""
    hrr: np.ndarray


def features(s: pl.DataFrame, heart: pl.DataFrame, params: Params) -> Features:
    """Per-sample features: time step, moving, smoothed altitude, grade, HR reserve.

    - `dt`: seconds since the previous sample; a gap longer than the pause threshold is a
      pause and adds no time (the first sample adds none either).
    - `altitude_smooth`: the mean of the altitudes within +-15 s (GPS altitude is noisy).
    - `d_dist`: distance gained since the previous sample, never negative.
    - `grade`: rise over run between the first and the last sample within +-15 s, clamped to
      +-50 %; none under 10 m of travel (standing) or without altitude (a treadmill).
    - `moving`: a time step at more than the moving speed (no speed stream: moving).
    - `hrr`: heart-rate reserve, (HR - rest) / (max - rest) clamped to 0..1.

    The samples arrive sorted by activity, then time, so every per-activity step is a plain
    array operation with the activity boundaries cut out: no grouping. Missing values are NaN.
    """
    activity = s["activity_id"].to_numpy()
    b = _Bounds.of(activity)
    ids = activity[b.starts]
    ts_us = s["ts_us"].to_numpy()
    lo, hi = _centred_window(b, ts_us, HALF_WINDOW_S * _US)
    smooth = _window_mean(_floats(s, "altitude_m"), lo, hi)
    distance = _floats(s, "distance_m")
    run = distance[hi] - distance[lo]
    rise = smooth[hi] - smooth[lo]
    gap = b.step(ts_us) / _US  # whole microseconds: the same as subtracting floats
    speed = _floats(s, "speed_m_s")
    with np.errstate(invalid="ignore", divide="ignore"):
        grade = np.where((run >= 10) & ~np.isnan(rise), np.clip(rise / run, -0.5, 0.5), np.nan)
        dt = np.where(gap <= params.pause_gap_s, gap, 0.0)
        d_dist = np.nan_to_num(np.maximum(b.step(distance), 0.0), copy=False, nan=0.0)
        moving = (dt > 0) & (np.nan_to_num(speed, nan=1.0) > params.moving_speed)
    cumulative = b.cumsum(np.where(moving, dt, 0.0))
    hr = _floats(s, "heart_rate")
    rest, top = _heart_settings(b, ids, heart)
    with np.errstate(invalid="ignore", divide="ignore"):
        hrr = np.where((hr > 0) & (top > rest), np.clip((hr - rest) / (top - rest), 0, 1), np.nan)
    return Features(
        b=b,
        activity_ids=ids,
        lat=_floats(s, "lat"),
        lon=_floats(s, "lon"),
        speed=speed,
        heart_rate=hr,
        cadence=_floats(s, "cadence_spm"),
        altitude_smooth=smooth,
        grade=grade,
        dt=dt,
        d_dist=d_dist,
        moving=moving,
        moving_cum_s=cumulative,
        moving_total_s=cumulative[b.starts + b.lengths - 1] if len(cumulative) else cumulative,
        hrr=hrr,
    )


def _heart_settings(
    b: _Bounds, ids: np.ndarray, heart: pl.DataFrame
) -> tuple[np.ndarray | float, np.ndarray | float]:
    """Resting and maximum heart rate on every sample; one number each when the batch's
    activities share them (one athlete), which numpy spreads at no cost."""
    at = np.searchsorted(heart["activity_id"].to_numpy(), ids)
    rest, top = heart["hr_rest"].to_numpy()[at], heart["hr_max"].to_numpy()[at]
    if len(ids) and (rest == rest[0]).all() and (top == top[0]).all():
        return float(rest[0]), float(top[0])
    return b.repeat(rest), b.repeat(top)


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

    def index(self) -> np.ndarray:
        """Each sample's activity as 0, 1, 2 ... in batch order."""
        return np.repeat(np.arange(len(self.starts)), self.lengths)

    def repeat(self, per_activity: np.ndarray) -> np.ndarray:
        """A value of each activity, on every one of its samples."""
        return np.repeat(per_activity, self.lengths)

    def step(self, values: np.ndarray) -> np.ndarray:
        """Change since the previous sample of the same activity; NaN on its first sample."""
        out = np.empty(len(values), dtype=np.float64)
        if len(values):
            np.subtract(values[1:], values[:-1], out=out[1:])
            out[self.starts] = np.nan
        return out

    def count(self, where: np.ndarray) -> np.ndarray:
        """Per activity: the samples where `where` holds."""
        if len(where) == 0:
            return np.zeros(0, np.int64)
        return np.add.reduceat(where.astype(np.int64), self.starts)

    def sum(self, values: np.ndarray, where: np.ndarray, empty: float = np.nan) -> np.ndarray:
        """Per activity: the sum of `values` where `where` holds; `empty` where it never does."""
        return self.sums(where, values, empty=empty)[0]

    def sums(
        self, where: np.ndarray, *values: np.ndarray, empty: float = np.nan
    ) -> list[np.ndarray]:
        """`sum` of several columns under one condition."""
        if len(where) == 0:
            return [np.zeros(0) for _ in values]
        some = self.count(where) > 0
        return [
            np.where(some, np.add.reduceat(np.where(where, v, 0.0), self.starts), empty)
            for v in values
        ]

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
        for start, n in zip(self.starts.tolist(), self.lengths.tolist(), strict=True):
            np.cumsum(values[start : start + n], out=running[start : start + n])
        return running


def _centred_window(b: _Bounds, ts_us: np.ndarray, half_us: int) -> tuple[np.ndarray, np.ndarray]:
    """First and last index of the samples within +-half of each sample, in its activity.

    Activities are laid end to end on one axis with a gap wider than the window, so a
    binary search over the whole batch never reaches into a neighbouring activity. The
    window is symmetric, so j is in i's window exactly when i is in j's: the last sample
    in i's window is the last j whose window starts at or before i, a count, not a search.
    """
    if len(ts_us) == 0:
        return b.starts, b.starts
    first_ts = ts_us[b.starts]
    last_ts = ts_us[b.starts + b.lengths - 1]
    spans = last_ts - first_ts + 4 * half_us
    offsets = np.cumsum(np.r_[0, spans[:-1]]) - first_ts
    axis = ts_us + b.repeat(offsets)
    lo = np.searchsorted(axis, axis - half_us, side="left")
    hi = np.cumsum(np.bincount(lo, minlength=len(lo))) - 1
    return lo, hi


def _window_mean(values: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Mean of the non-missing values in [lo, hi]; NaN where there are none.

    Each window is summed on its own (not as a difference of running totals), so a value
    does not depend on what else is in the batch: a grade exactly on a band's edge stays
    on the same side whatever the batch holds. Counts are whole numbers, exact either way.
    """
    present = ~np.isnan(values)
    running = np.r_[0, np.cumsum(present)]
    count = (running[hi + 1] - running[lo]).astype(np.float64)
    total = _window_sum(values if present.all() else np.where(present, values, 0.0), lo, hi)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / count


def _window_sum(values: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    if len(values) == 0:
        return values
    bounds = np.empty(2 * len(lo), dtype=np.int64)
    bounds[0::2], bounds[1::2] = lo, hi + 1
    return np.add.reduceat(np.r_[values, 0.0], bounds)[0::2]


def _metrics(activity_ids: list[int], f: Features) -> pl.DataFrame:
    """One row per activity.

    Each figure is a sum over the samples that meet its condition; a figure whose
    condition no sample meets is missing, not 0 (SQL's FILTER semantics).
    """
    b, dt, grade = f.b, f.dt, f.grade
    stepping = f.moving & (f.cadence > 0)
    third = b.repeat(f.moving_total_s) / 3
    first_third = stepping & (f.moving_cum_s <= third)
    last_third = stepping & (f.moving_cum_s > 2 * third)

    def weighted(value: np.ndarray, where: np.ndarray) -> np.ndarray:
        seconds, weighted = b.sums(where, dt, value * dt)
        return weighted / seconds

    has_gps = b.count(~np.isnan(f.lat)) > 1
    with np.errstate(invalid="ignore", divide="ignore"):
        lat_lo, lat_hi = np.radians(b.min(f.lat)), np.radians(b.max(f.lat))
        lon_lo, lon_hi = np.radians(b.min(f.lon)), np.radians(b.max(f.lon))
        half_chord = (
            np.sin((lat_hi - lat_lo) / 2) ** 2
            + np.cos(lat_lo) * np.cos(lat_hi) * np.sin((lon_hi - lon_lo) / 2) ** 2
        )
        any_grade = b.count(~np.isnan(grade)) > 0
        hrr = f.hrr
        per_activity = pl.DataFrame(
            {
                "activity_id": f.activity_ids,
                "moving_s": b.sum(dt, f.moving),
                "has_gps": has_gps,
                "gps_extent_m": np.where(
                    has_gps, 2 * streams.EARTH_RADIUS_M * np.arcsin(np.sqrt(half_chord)), np.nan
                ),
                "distance_up5_m": np.where(any_grade, b.sum(f.d_dist, grade > STEEP, 0.0), np.nan),
                "distance_down5_m": np.where(
                    any_grade, b.sum(f.d_dist, grade < -STEEP, 0.0), np.nan
                ),
                "cadence_avg_spm": weighted(f.cadence, stepping),
                "cadence_first_third_spm": weighted(f.cadence, first_third),
                "cadence_last_third_spm": weighted(f.cadence, last_third),
                "hr_avg": weighted(f.heart_rate, f.heart_rate > 0),
                # Banister's TRIMP: minutes x HR reserve x 0.64 e^(1.92 x HR reserve)
                "trimp": b.sum(dt / 60 * hrr * 0.64 * np.exp(1.92 * hrr), ~np.isnan(hrr)),
                **_quantiles(b, f.cadence, stepping),
                **_climbs(b, f.altitude_smooth),
            },
            schema_overrides={"activity_id": pl.Int64},
            nan_to_null=True,
        )
    every = pl.DataFrame({"activity_id": activity_ids}, schema={"activity_id": pl.Int64})
    return every.join(per_activity, on="activity_id", how="left").with_columns(
        pl.col("has_gps").fill_null(False)
    )


def _quantiles(b: _Bounds, cadence: np.ndarray, stepping: np.ndarray) -> dict[str, np.ndarray]:
    """The cadence percentiles of each activity's stepping samples, interpolated linearly
    between the two nearest ranks (polars' and DuckDB's "linear"); NaN without any."""
    index = b.index()[stepping]
    values = cadence[stepping]
    counts = np.bincount(index, minlength=len(b.starts))
    firsts = np.r_[0, np.cumsum(counts)[:-1]] if len(counts) else counts
    for first, n in zip(firsts.tolist(), counts.tolist(), strict=True):
        values[first : first + n].sort()
    out = {}
    with np.errstate(invalid="ignore"):
        for name, q in QUANTILES.items():
            rank = (counts - 1) * q
            below = np.floor(rank)
            at = firsts + np.maximum(below, 0).astype(np.int64)
            above = firsts + np.maximum(np.ceil(rank), 0).astype(np.int64)
            lower = values[np.minimum(at, len(values) - 1)] if len(values) else rank
            upper = values[np.minimum(above, len(values) - 1)] if len(values) else rank
            value = np.where(lower == upper, lower, (rank - below) * (upper - lower) + lower)
            out[name] = np.where(counts > 0, value, np.nan)
    return out


def _climbs(b: _Bounds, smooth: np.ndarray) -> dict[str, np.ndarray]:
    """Ascent and descent of each activity's smoothed altitude, with hysteresis; NaN for an
    activity without altitude."""
    present = ~np.isnan(smooth)
    counts = b.count(present)
    values = smooth[present]
    firsts = np.r_[0, np.cumsum(counts)[:-1]] if len(counts) else counts
    ascent, descent = streams.gains(values, firsts, counts, GAIN_THRESHOLD_M)
    return {
        "ascent_m": np.where(counts > 0, ascent, np.nan),
        "descent_m": np.where(counts > 0, descent, np.nan),
    }


def _cadence_pace(f: Features) -> pl.DataFrame:
    """Cadence by pace band: a baseline compares like with like (a sprint is not a jog).

    Moving samples with a cadence and a speed; each band's cadence is weighted by time. An
    infinite speed (a glitch in a file) has no band rather than a made-up one."""
    with np.errstate(invalid="ignore"):
        keep = f.moving & (f.cadence > 0) & (f.speed > 0) & (f.speed < _NO_BAND) & (f.dt > 0)
    band = np.floor(f.speed[keep] / SPEED_BIN).astype(np.int64)
    dt = f.dt[keep]
    groups = _Groups.of(f.b.index()[keep], band)
    seconds = groups.sum(dt)
    return pl.DataFrame(
        {
            "activity_id": f.activity_ids[groups.activity],
            "speed_bin": groups.key * SPEED_BIN,
            "seconds": seconds,
            "cadence_spm": groups.sum(f.cadence[keep] * dt) / seconds,
        },
        schema={
            "activity_id": pl.Int64,
            "speed_bin": pl.Float64,
            "seconds": pl.Float64,
            "cadence_spm": pl.Float64,
        },
    )


GRADE_EDGES = [-0.10, -0.05, -0.02, 0.02, 0.05, 0.10]
GRADE_BINS = [  # [-inf,-10) [-10,-5) [-5,-2) [-2,2) [2,5) [5,10) [10,inf), percent
    ("below -10%", -50.0),
    ("-10% to -5%", -10.0),
    ("-5% to -2%", -5.0),
    ("-2% to 2%", -2.0),
    ("2% to 5%", 2.0),
    ("5% to 10%", 5.0),
    ("10% and above", 10.0),
]


def _grades(f: Features) -> pl.DataFrame:
    """Distance per grade band (a grade on an edge belongs to the band above it)."""
    keep = ~np.isnan(f.grade) & (f.d_dist > 0)
    grade = f.grade[keep]
    bins = sum((grade >= edge).view(np.int8) for edge in GRADE_EDGES)  # edges at or below
    groups = _Groups.of(f.b.index()[keep], bins)
    names, lows = zip(*GRADE_BINS, strict=True)
    return pl.DataFrame(
        {
            "activity_id": f.activity_ids[groups.activity],
            "grade_bin": np.array(names)[groups.key],
            "grade_from": np.array(lows)[groups.key],
            "distance_m": groups.sum(f.d_dist[keep]),
        },
        schema={
            "activity_id": pl.Int64,
            "grade_bin": pl.String,
            "grade_from": pl.Float64,
            "distance_m": pl.Float64,
        },
    )


@dataclass(frozen=True)
class _Groups:
    """Samples grouped by (activity, key), with the key a small whole number (a band)."""

    slot: np.ndarray
    """Each sample's group, numbered densely over the (activity, key) pairs."""
    size: int
    seen: np.ndarray
    """The slots that have samples."""
    activity: np.ndarray
    key: np.ndarray

    @classmethod
    def of(cls, activity: np.ndarray, key: np.ndarray) -> _Groups:
        if len(key) == 0:
            empty = np.zeros(0, np.int64)
            return cls(empty, 0, empty, empty, empty)
        low = int(key.min())
        width = int(key.max()) - low + 1
        slot = activity.astype(np.int64) * width + (key - low)
        size = (int(activity.max()) + 1) * width
        if size > 4 * len(key) + 4096:  # a wild key (a speed glitch): number the pairs seen
            pairs, slot = np.unique(slot, return_inverse=True)
            return cls(slot, len(pairs), np.arange(len(pairs)), pairs // width, pairs % width + low)
        seen = np.flatnonzero(np.bincount(slot, minlength=size))
        return cls(slot, size, seen, seen // width, seen % width + low)

    def sum(self, values: np.ndarray) -> np.ndarray:
        """Each group's sum, added in sample order."""
        if self.size == 0:
            return np.zeros(0)
        return np.bincount(self.slot, weights=values, minlength=self.size)[self.seen]
