"""Per-activity stream arithmetic with polars: totals recomputed from the records.

Used when a device's own session totals are missing or wrong, and by the demo writer, so
that "ascent" means one thing everywhere.
"""

from __future__ import annotations

import itertools
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
    """`ascent_descent` on plain values: the loop over the trace's turning points (one trace
    is too short for `gains`' rounds to pay)."""
    values = np.asarray(values, dtype=np.float64)
    turns, _ = _turning_points(values)
    return _hysteresis(turns.tolist(), threshold_m) if len(turns) >= 2 else (0.0, 0.0)


def gains(
    values: np.ndarray, starts: np.ndarray, lengths: np.ndarray, threshold_m: float
) -> tuple[np.ndarray, np.ndarray]:
    """`gain` of many traces laid end to end (trace i: `lengths[i]` values from `starts[i]`).

    The hysteresis is a loop, so it is fed as few values as give the same answer: a run of
    equal values is one value, only turning points can start or end a climb, and a small
    swing inside a larger one is dropped (`_drop_inner_swings`) for all traces at once. On
    a smoothed 1 Hz trace the loop then sees a few values a climb instead of one in ten.
    """
    trace = np.repeat(np.arange(len(starts)), lengths)
    values = np.asarray(values, dtype=np.float64)
    if len(values) != len(trace) or np.any(starts != np.cumsum(lengths) - lengths):
        values = values[_dense(starts, lengths)]  # not laid end to end: gather them
    values, trace = _turning_points(values, trace)
    values, trace = _drop_inner_swings(values, trace, threshold_m)
    ascent, descent = np.zeros(len(starts)), np.zeros(len(starts))
    firsts = np.searchsorted(trace, np.arange(len(starts) + 1))
    for i, (first, end) in enumerate(itertools.pairwise(firsts.tolist())):
        if end - first >= 2:
            ascent[i], descent[i] = _hysteresis(values[first:end].tolist(), threshold_m)
    return ascent, descent


def _dense(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indices of every value of every trace, trace by trace."""
    ends = np.cumsum(lengths)
    return np.arange(ends[-1] if len(ends) else 0) + np.repeat(starts - (ends - lengths), lengths)


def _turning_points(
    values: np.ndarray, trace: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray | None]:
    """Each trace's first and last value and every local extremum, repeats dropped (`trace`
    numbers each value's trace; None: all one trace)."""
    if len(values) == 0:
        return values, trace
    first = (
        np.zeros(len(values), dtype=bool)
        if trace is None
        else np.r_[False, trace[1:] != trace[:-1]]
    )
    first[0] = True
    keep = first.copy()
    keep[1:] |= values[1:] != values[:-1]
    values, first = values[keep], first[keep]
    trace = None if trace is None else trace[keep]
    if len(values) < 3:
        return values, trace
    rising = values[1:] > values[:-1]  # no two neighbours in a trace are equal now
    keep = first.copy()
    keep[:-1] |= first[1:]  # a trace's last value
    keep[1:-1] |= rising[1:] != rising[:-1]
    keep[-1] = True
    return values[keep], None if trace is None else trace[keep]


MIN_SWINGS = 200
"""A round of `_drop_inner_swings` costs about what the loop spends on a few hundred values:
fewer candidates than this go to the loop as they are."""


def _drop_inner_swings(
    values: np.ndarray, trace: np.ndarray, threshold_m: float
) -> tuple[np.ndarray, np.ndarray]:
    """Turning points less what cannot change the climb: a swing p1 -> p2 no larger than the
    threshold whose ends lie inside its neighbours' span (p0 <= p2 < p1 <= p3 going up, the
    mirror going down) leaves the loop's state at p3 as it would be without p1 and p2, and
    adds nothing to either sum on the way (test_metrics checks it against every sample).
    Pairs are dropped three apart, so each one's neighbours are still its neighbours; the
    rounds stop when a round finds nothing, or little, to drop.
    """
    rounds = 0
    while len(values) >= 4:
        p0, p1, p2, p3 = values[:-3], values[1:-2], values[2:-1], values[3:]
        up = p1 > p0
        inner = (trace[:-3] == trace[3:]) & np.where(
            up,
            (p1 - p2 <= threshold_m) & (p0 <= p2) & (p1 <= p3),
            (p2 - p1 <= threshold_m) & (p0 >= p2) & (p1 >= p3),
        )
        found = np.flatnonzero(inner)
        if len(found) < MIN_SWINGS or len(found) * 100 < len(values):
            break
        chosen = found[found % 3 == rounds % 3]
        keep = np.ones(len(values), dtype=bool)
        keep[chosen + 1] = keep[chosen + 2] = False
        values, trace = values[keep], trace[keep]
        rounds += 1
    return values, trace


def _hysteresis(values: list[float], threshold_m: float) -> tuple[float, float]:
    """The climb loop: a climb counts once the trace has moved more than the threshold away
    from the last turning point, and then the whole turning-point-to-extreme difference."""
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
