"""Records to samples and totals: the steps every file format shares (FIT, GPX, TCX).

A parser builds a records frame (`ts`, positions, `cadence_raw` as the file has it); from
there the samples and any totals the file lacks are computed one way for all formats.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta

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
    if frame.height < 2 or (frame["ts"].diff().drop_nulls() > timedelta(0)).all():
        return frame  # a device's usual order: one record a second, in time
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
    return dict(RecordTotals(samples))


class RecordTotals(Mapping):
    """The same totals, each computed the first time it is asked for: a file whose device
    summary has every total needs only its distance, to check the summary against."""

    NAMES = (
        "elapsed_time_s",
        "moving_time_s",
        "distance_m",
        "ascent_m",
        "descent_m",
        "avg_cadence_spm",
        "avg_hr",
        "max_hr",
    )

    def __init__(self, samples: pl.DataFrame) -> None:
        self.samples = samples
        self._known: dict[str, float | None] = {}

    def __getitem__(self, name: str) -> float | None:
        if name not in self._known:
            self._known |= self._compute(name)
        return self._known[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.NAMES)

    def __len__(self) -> int:
        return len(self.NAMES)

    def _compute(self, name: str) -> dict[str, float | None]:
        samples = self.samples
        if name in ("ascent_m", "descent_m"):
            if samples["altitude_m"].drop_nulls().len() <= 1:
                return {"ascent_m": None, "descent_m": None}
            ascent, descent = streams.ascent_descent(samples["altitude_m"])
            return {"ascent_m": ascent, "descent_m": descent}
        if name == "avg_cadence_spm":
            moving = samples.filter(pl.col("cadence_spm") > 0)["cadence_spm"]
            return {name: float(moving.mean()) if moving.len() else None}
        if name in ("avg_hr", "max_hr"):
            heart = samples.filter(pl.col("heart_rate") > 0)["heart_rate"]
            if not heart.len():
                return {"avg_hr": None, "max_hr": None}
            return {"avg_hr": float(heart.mean()), "max_hr": float(heart.max())}
        if name == "elapsed_time_s":
            return {name: streams.elapsed_time_s(samples["ts"])}
        if name == "moving_time_s":
            return {name: streams.timer_time_s(samples["ts"])}
        if name == "distance_m":
            return {name: streams.track_distance_m(samples)}
        raise KeyError(name)
