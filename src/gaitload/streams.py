"""Per-activity stream arithmetic with polars: totals recomputed from the records.

Used when a device's own session totals are missing or wrong, and by the demo writer, so
that "ascent" means one thing everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

EARTH_RADIUS_M = 6_371_008.8
PAUSE_GAP_S = 30.0
"""A gap between records longer than this is a pause (auto-pause or the stop button)."""


def ascent_descent(altitude: pl.Series, threshold_m: float = 3.0) -> tuple[float, float]:
    """Total ascent and descent of an altitude trace, ignoring wiggles below a threshold.

    A raw sum of every up-tick counts noise as climbing and overstates gain several-fold.
    Watches do not sum every barometer wiggle; a climb counts only once the trace has moved
    more than ``threshold_m`` away from the last turning point, and then the whole
    turning-point-to-extreme difference counts. A linear 0 -> 50 -> 0 m profile gives
    (50, 50); noise of +-0.3 m on a flat track gives (0, 0).
    """
    values = altitude.cast(pl.Float64).drop_nulls().drop_nans().to_list()
    return gain(values, threshold_m)


def gain(values: Sequence[float] | np.ndarray, threshold_m: float) -> tuple[float, float]:
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


def timer_time_s(timestamps: pl.Series) -> float:
    """Seconds spent recording, leaving out pauses (gaps longer than `PAUSE_GAP_S`)."""
    gaps = timestamps.sort().diff().dt.total_microseconds().drop_nulls() / 1e6
    return float(gaps.filter(gaps <= PAUSE_GAP_S).sum())


def elapsed_time_s(timestamps: pl.Series) -> float:
    if timestamps.len() < 2:
        return 0.0
    return (timestamps.max() - timestamps.min()).total_seconds()


def track_distance_m(samples: pl.DataFrame) -> float | None:
    """Distance covered: the device's cumulative distance if any, else along the GPS track."""
    if "distance_m" in samples.columns and samples["distance_m"].drop_nulls().len() >= 2:
        distance = samples["distance_m"].drop_nulls()
        return float(distance.max() - distance.min())
    fixes = samples.select("lat", "lon").drop_nulls()
    if fixes.height < 2:
        return None  # no distance sensor and no GPS: unknown, not zero
    lat, lon = (pl.col(c).radians() for c in ("lat", "lon"))
    a = ((lat - lat.shift()) / 2).sin() ** 2 + lat.cos() * lat.shift().cos() * (
        (lon - lon.shift()) / 2
    ).sin() ** 2
    legs = fixes.select((2 * EARTH_RADIUS_M * a.sqrt().arcsin()).alias("leg"))
    return float(legs["leg"].sum())


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
