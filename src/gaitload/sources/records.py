"""Records to samples and totals: the steps every file format shares (FIT, GPX, TCX).

A parser builds a records frame (`ts`, positions, `cadence_raw` as the file has it); from
there the samples and any totals the file lacks are computed one way for all formats.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from gaitload import streams
from gaitload.sources.model import SAMPLE_SCHEMA


def records_frame(columns: dict[str, list]) -> pl.DataFrame:
    """Columns by name (`ts`, sample columns, `cadence_raw`), one row per timestamp."""
    schema = record_schema(columns)
    full = {name: columns.get(name) for name in schema}
    height = len(columns["ts"])
    frame = pl.DataFrame(
        {k: v if v is not None else [None] * height for k, v in full.items()},
        schema=schema,
        strict=False,
    )
    return one_row_per_time(frame)


def record_schema(names: object) -> dict[str, pl.DataType]:
    """The records frame's columns, in order, of those `names` has."""
    return {**{k: v for k, v in SAMPLE_SCHEMA.items() if k in names}, "cadence_raw": pl.Float64}


def one_row_per_time(frame: pl.DataFrame) -> pl.DataFrame:
    if frame["ts"].is_unique().all():
        return frame.sort("ts")
    # Some apps (Strava's) split one second into two records: merge them, field by field.
    return frame.group_by("ts").agg(pl.all().drop_nulls().first()).sort("ts")


def samples_from_records(records: pl.DataFrame, start: datetime, foot: bool) -> pl.DataFrame:
    """The fixed samples schema; `cadence_raw` is strides (foot sports) or rpm as files say."""
    cadence = pl.col("cadence_raw")
    missing = [
        pl.lit(None, dtype).alias(name)
        for name, dtype in SAMPLE_SCHEMA.items()
        if name not in records.columns and name not in ("elapsed_s", "cadence_spm", "cadence_rpm")
    ]
    return (
        records.with_columns(
            *missing,
            elapsed_s=(pl.col("ts") - pl.lit(start)).dt.total_microseconds() / 1e6,
            cadence_spm=(cadence * 2) if foot else pl.lit(None, pl.Float64),
            cadence_rpm=pl.lit(None, pl.Float64) if foot else cadence,
        )
        .select(list(SAMPLE_SCHEMA))
        .cast(SAMPLE_SCHEMA)
    )


def record_totals(samples: pl.DataFrame) -> dict:
    """Totals recomputed from the samples, for files without (trustworthy) summaries."""
    ascent, descent = streams.ascent_descent(samples["altitude_m"])
    has_altitude = samples["altitude_m"].drop_nulls().len() > 1
    moving = samples.filter(pl.col("cadence_spm") > 0)["cadence_spm"]
    heart = samples.filter(pl.col("heart_rate") > 0)["heart_rate"]
    return {
        "elapsed_time_s": streams.elapsed_time_s(samples["ts"]),
        "moving_time_s": streams.timer_time_s(samples["ts"]),
        "distance_m": streams.track_distance_m(samples),
        "ascent_m": ascent if has_altitude else None,
        "descent_m": descent if has_altitude else None,
        "avg_cadence_spm": float(moving.mean()) if moving.len() else None,
        "avg_hr": float(heart.mean()) if heart.len() else None,
        "max_hr": float(heart.max()) if heart.len() else None,
    }
