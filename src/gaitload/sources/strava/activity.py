"""Strava API activities to the normalized shape: sport names, units, local time, streams.

Strava's quirks handled here, once: `average_cadence` and the cadence stream count strides
for foot sports (doubled to steps); `start_date_local` is wall-clock time dressed as UTC, so
the offset comes from `utc_offset` (seconds, DST-aware); `timezone` reads
"(GMT-07:00) America/Denver" and only its IANA part is kept.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from gaitload import streams as stream_math
from gaitload.sources import local_time
from gaitload.sources.model import FOOT_SPORTS, LAP_SCHEMA, Activity, Link
from gaitload.sources.records import records_frame, samples_from_records

STREAM_TYPES = [
    "time",
    "distance",
    "latlng",
    "altitude",
    "heartrate",
    "cadence",
    "velocity_smooth",
    "grade_smooth",
    "moving",
    "watts",
]
SPORTS = {
    "Run": "running",
    "TrailRun": "running",
    "VirtualRun": "running",
    "Ride": "cycling",
    "MountainBikeRide": "cycling",
    "GravelRide": "cycling",
    "EBikeRide": "cycling",
    "EMountainBikeRide": "cycling",
    "VirtualRide": "cycling",
    "Velomobile": "cycling",
    "Handcycle": "cycling",
    "Swim": "swimming",
    "Walk": "walking",
    "Hike": "hiking",
}
SUB_SPORTS = {
    "TrailRun": "trail",
    "VirtualRun": "virtual_activity",
    "MountainBikeRide": "mountain",
    "GravelRide": "gravel_cycling",
    "VirtualRide": "virtual_activity",
    "EBikeRide": "e_bike_fitness",
    "EMountainBikeRide": "e_bike_mountain",
}
FINGERPRINT_FIELDS = (
    "name",
    "sport_type",
    "start_date",
    "distance",
    "moving_time",
    "elapsed_time",
    "total_elevation_gain",
    "gear_id",
    "trainer",
    "commute",
    "manual",
    "private",
    "visibility",
)


def sport_of(sport_type: str) -> str:
    """FIT's lower-case vocabulary: Run -> running; unknown types in lower snake case."""
    return SPORTS.get(sport_type) or re.sub(r"(?<!^)(?=[A-Z])", "_", sport_type).lower()


def sub_sport_of(sport_type: str, trainer: bool | None) -> str | None:
    if trainer and sport_of(sport_type) in FOOT_SPORTS and sport_type != "VirtualRun":
        return "treadmill"
    return SUB_SPORTS.get(sport_type)


def surface_of(sport_type: str, trainer: bool | None) -> str | None:
    """Trail and treadmill are explicit on Strava; a plain Run is left for inference."""
    if sport_of(sport_type) not in FOOT_SPORTS:
        return None
    if sport_type.startswith("Virtual") or trainer:
        return "treadmill"
    return "trail" if sport_type == "TrailRun" else None


def fingerprint(summary: dict[str, Any]) -> str:
    """A hash of what an edit on Strava changes in the list's summary."""
    picked = {k: summary.get(k) for k in FINGERPRINT_FIELDS}
    return hashlib.sha256(json.dumps(picked, sort_keys=True, default=str).encode()).hexdigest()[:16]


def iana_zone(label: str | None) -> str | None:
    """ "(GMT-07:00) America/Denver" -> "America/Denver"."""
    if not label:
        return None
    name = label.split(" ", 1)[1] if label.startswith("(") and " " in label else label
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # an unknown zone must not lose the activity
        return None
    return name


def to_activity(detail: Any, streams: dict[str, Any] | None, athlete_timezone: str) -> Activity:
    """A stravalib DetailedActivity (or SummaryActivity) and its streams, normalized."""
    sport_type = _root(detail.sport_type) or _root(detail.type) or "Workout"
    sport = sport_of(sport_type)
    foot = sport in FOOT_SPORTS
    start = _naive_utc(detail.start_date)
    offset_min, offset_source, zone = _offset(detail, start, athlete_timezone)
    samples = _samples(streams or {}, start, foot)
    descent = None
    if samples.height and samples["altitude_m"].drop_nulls().len() > 1:
        descent = stream_math.ascent_descent(samples["altitude_m"])[1]
    latlng = _latlng(detail.start_latlng)
    cadence = detail.average_cadence
    return Activity(
        source="strava",
        source_id=str(detail.id),
        sport=sport,
        sub_sport=sub_sport_of(sport_type, detail.trainer),
        start_time_utc=start,
        utc_offset_min=offset_min,
        offset_source=offset_source,
        timezone=zone,
        elapsed_time_s=_float(detail.elapsed_time),
        moving_time_s=_float(detail.moving_time),
        distance_m=_float(detail.distance) or None,
        ascent_m=_float(detail.total_elevation_gain),
        descent_m=descent,
        avg_cadence_spm=cadence * 2 if foot and cadence else None,
        avg_hr=detail.average_heartrate,
        max_hr=_float(detail.max_heartrate),
        totals_source="manual" if detail.manual else "session",
        surface=surface_of(sport_type, detail.trainer),
        device=getattr(detail, "device_name", None),
        name=detail.name,
        start_lat=latlng[0],
        start_lon=latlng[1],
        gear_id=f"strava:{detail.gear_id}" if detail.gear_id else None,
        link=Link("strava", str(detail.id), sport_type, via="api"),
        trainer=detail.trainer,
        description=getattr(detail, "description", None),
        private_note=getattr(detail, "private_note", None),
        samples=samples,
        laps=_laps(getattr(detail, "laps", None) or [], foot),
    )


def _offset(detail: Any, start: datetime, athlete_timezone: str) -> tuple[int, str, str | None]:
    zone = iana_zone(detail.timezone)
    if detail.utc_offset is not None:
        return round(detail.utc_offset / 900) * 15, "strava", zone
    if zone:
        return local_time.offset_minutes(zone, start), "strava", zone
    if detail.start_date_local is not None:
        local = detail.start_date_local.replace(tzinfo=None)
        return round((local - start).total_seconds() / 900) * 15, "strava", None
    return local_time.offset_minutes(athlete_timezone, start), "athlete", athlete_timezone


def _samples(streams: dict[str, Any], start: datetime, foot: bool) -> pl.DataFrame:
    data = {key: list(getattr(s, "data", None) or []) for key, s in streams.items()}
    times = data.get("time") or []
    if len(times) < 2:
        return samples_from_records(records_frame({"ts": []}), start, foot)
    n = len(times)

    def column(key: str) -> list | None:
        values = data.get(key)
        return (values + [None] * n)[:n] if values else None

    latlng = column("latlng") or [None] * n
    records = records_frame(
        {
            "ts": [start + timedelta(seconds=float(t)) for t in times],
            "lat": [p[0] if p else None for p in latlng],
            "lon": [p[1] if p else None for p in latlng],
            "altitude_m": column("altitude"),
            "distance_m": column("distance"),
            "speed_m_s": column("velocity_smooth"),
            "heart_rate": column("heartrate"),
            "cadence_raw": column("cadence"),
            "power_w": column("watts"),
            "grade_pct": column("grade_smooth"),
            "moving": column("moving"),
        }
    )
    return samples_from_records(records, start, foot)


def _laps(laps: list[Any], foot: bool) -> pl.DataFrame:
    rows = [
        {
            "lap_index": i,
            "start_time_utc": _naive_utc(lap.start_date),
            "elapsed_time_s": _float(lap.elapsed_time),
            "moving_time_s": _float(lap.moving_time),
            "distance_m": _float(lap.distance),
            "ascent_m": _float(lap.total_elevation_gain),
            "descent_m": None,
            "avg_cadence_spm": lap.average_cadence * 2 if foot and lap.average_cadence else None,
            "avg_hr": lap.average_heartrate,
        }
        for i, lap in enumerate(laps)
    ]
    return pl.DataFrame(rows, schema=LAP_SCHEMA, strict=False)


def _naive_utc(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def _root(value: Any) -> str | None:
    return getattr(value, "root", value) if value is not None else None


def _latlng(value: Any) -> tuple[float | None, float | None]:
    points = getattr(value, "root", value)
    return (float(points[0]), float(points[1])) if points and len(points) == 2 else (None, None)


def _float(value: Any) -> float | None:
    return float(value) if value is not None else None
