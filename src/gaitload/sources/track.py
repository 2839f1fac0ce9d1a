"""A track of timestamped points (GPX, TCX) to one normalized activity.

Track formats carry no session summary worth trusting and no local time, so totals come
from the records (as for a FIT file without a summary) and the offset from the first GPS
fix, else the athlete's zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from gaitload.sources import local_time
from gaitload.sources.model import FOOT_SPORTS, Activity, ParsedFile
from gaitload.sources.records import record_totals, records_frame, samples_from_records

SPORT_NAMES = {
    "running": "running",
    "run": "running",
    "trailrun": "running",
    "trail_running": "running",
    "biking": "cycling",
    "cycling": "cycling",
    "ride": "cycling",
    "walking": "walking",
    "walk": "walking",
    "hiking": "hiking",
    "hike": "hiking",
    "swimming": "swimming",
    "swim": "swimming",
}


def sport_name(label: str | None) -> str:
    """A file's free-text sport ("Running", "Biking", "run") in FIT's vocabulary."""
    key = (label or "").strip().lower().replace(" ", "_")
    return SPORT_NAMES.get(key) or SPORT_NAMES.get(key.replace("_", "")) or "generic"


def naive_utc(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def to_parsed(
    path: Path,
    sha256: str,
    source: str,
    columns: dict[str, list],
    *,
    sport: str,
    athlete_timezone: str,
    name: str | None = None,
    device: str | None = None,
    size_bytes: int = 0,
) -> ParsedFile:
    parsed = ParsedFile(path=path, sha256=sha256, status="skipped", size_bytes=size_bytes)
    records = records_frame(columns).filter(pl.col("ts").is_not_null())
    parsed.records = records.height
    if records.height < 2:
        parsed.reason = "no timestamped points: a route or an empty track, not an activity"
        return parsed
    foot = sport in FOOT_SPORTS
    start = records["ts"].min()
    samples = samples_from_records(records, start, foot)
    fix = samples.select("lat", "lon").drop_nulls().head(1)
    lat, lon = fix.row(0) if fix.height else (None, None)
    offset = local_time.resolve_offset(
        file_offset_s=None, lat=lat, lon=lon, at_utc=start, athlete_timezone=athlete_timezone
    )
    parsed.status = "activity"
    parsed.activities = [
        Activity(
            source=source,
            source_id=f"{sha256}:0",
            sport=sport,
            sub_sport=None,
            start_time_utc=start,
            utc_offset_min=offset.minutes,
            offset_source=offset.source,
            timezone=offset.timezone,
            totals_source="records",
            name=name,
            device=device,
            start_lat=lat,
            start_lon=lon,
            samples=samples,
            **record_totals(samples),
        )
    ]
    return parsed
