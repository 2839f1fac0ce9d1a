"""Builders for generated FIT fixtures: activities whose right answers are known by construction."""

from __future__ import annotations

import math

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
