"""Builders for generated FIT fixtures: activities whose right answers are known by construction."""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl


def run_samples(n: int = 721, interval: int = 5, peak_m: float = 50.0) -> pl.DataFrame:
    """A 1-hour run out and back up a hill: 0 -> peak_m -> 0 m, linearly, 2.8 m/s."""
    half = (n - 1) / 2
    return pl.DataFrame(
        {
            "t_s": [i * interval for i in range(n)],
            "lat": [40.015 + i * 1.234567e-5 for i in range(n)],
            "lon": [-105.27 - i * 0.7654321e-5 for i in range(n)],
            "altitude_m": [1600 + peak_m * (1 - abs(i - half) / half) for i in range(n)],
            "distance_m": [i * interval * 2.8 for i in range(n)],
            "speed_m_s": [2.8 + 0.1 * math.sin(i / 10) for i in range(n)],
            "heart_rate": [130 + i % 20 for i in range(n)],
            "cadence_spm": [170.0 + (i % 7) * 0.37 for i in range(n)],
        }
    )


def steady_run(
    km: float,
    *,
    climb_m: float = 0.0,
    cadence_spm: float | tuple[float, float, float] = 170.0,
    speed_m_s: float = 3.0,
    interval_s: int = 10,
    heart_rate: int | None = 150,
    gps: bool = True,
) -> pl.DataFrame:
    """An even-paced run whose right answers are known by construction.

    Distance is exactly `km` (a whole number of steps of speed x interval). With `climb_m`,
    the altitude is flat, rises linearly over the second fifth, holds, falls over the fourth
    fifth and is flat again: smoothing cannot cut its corners, so ascent = descent = climb.
    A cadence triple gives the first, middle and last third of the moving time.
    """
    step_m = speed_m_s * interval_s
    steps = round(km * 1000 / step_m)
    fifth = steps / 5

    def altitude(i: int) -> float:
        if i <= fifth or i >= 4 * fifth:
            return 1000.0
        if i <= 2 * fifth:
            return 1000.0 + climb_m * (i - fifth) / fifth
        if i <= 3 * fifth:
            return 1000.0 + climb_m
        return 1000.0 + climb_m * (4 * fifth - i) / fifth

    def cadence(i: int) -> float:
        if isinstance(cadence_spm, int | float):
            return float(cadence_spm)
        first, middle, last = cadence_spm
        return first if i <= steps / 3 else last if i > 2 * steps / 3 else middle

    n = steps + 1
    return pl.DataFrame(
        {
            "t_s": [i * interval_s for i in range(n)],
            "lat": [39.74 + i * step_m / 111_195 for i in range(n)] if gps else [None] * n,
            "lon": [-104.99] * n if gps else [None] * n,
            "altitude_m": [altitude(i) for i in range(n)],
            "distance_m": [i * step_m for i in range(n)],
            "speed_m_s": [speed_m_s] * n,
            "heart_rate": [heart_rate] * n,
            "cadence_spm": [cadence(i) for i in range(n)],
        },
        schema_overrides={"lat": pl.Float64, "lon": pl.Float64, "heart_rate": pl.Int64},
    )


@contextmanager
def database_held_by_another_process(db: Path) -> Iterator[subprocess.Popen]:
    """A second, real process holding the DuckDB file open for writing, as a nightly run or
    someone's SQL session would; it is gone when the block ends."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
            "print('ready', flush=True); time.sleep(300)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        yield holder
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
