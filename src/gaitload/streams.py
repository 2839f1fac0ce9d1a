"""Per-activity stream arithmetic with polars: totals recomputed from the records.

Used when a device's own session totals are missing or wrong, and by the demo writer, so
that "ascent" means one thing everywhere.
"""

from __future__ import annotations

import polars as pl

EARTH_RADIUS_M = 6_371_008.8
PAUSE_GAP_S = 30.0
"""A gap between records longer than this is a pause (auto-pause or the stop button)."""


def ascent_descent(altitude: pl.Series, threshold_m: float = 3.0) -> tuple[float, float]:
    """Climb and drop with hysteresis: a change counts once it exceeds `threshold_m`.

    A raw sum of every up-tick counts noise as climbing and overstates gain several-fold.
    """
    values = altitude.drop_nulls().to_list()
    if not values:
        return 0.0, 0.0
    ascent = descent = 0.0
    anchor = values[0]
    for value in values[1:]:
        change = value - anchor
        if change >= threshold_m:
            ascent += change
            anchor = value
        elif change <= -threshold_m:
            descent -= change
            anchor = value
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
