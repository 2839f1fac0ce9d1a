"""Which UTC offset an activity's local day and week are counted in.

The file's own offset first (watches know where they were), sanity-checked because devices
write garbage; then the zone at the first GPS fix, looked up offline; then the athlete's
configured zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo

MAX_OFFSET_S = 14 * 3600


@dataclass(frozen=True)
class Offset:
    minutes: int
    source: str
    timezone: str | None = None


def resolve_offset(
    *,
    file_offset_s: float | None,
    lat: float | None,
    lon: float | None,
    at_utc: datetime,
    athlete_timezone: str,
) -> Offset:
    if file_offset_s is not None and abs(file_offset_s) <= MAX_OFFSET_S:
        return Offset(round(file_offset_s / 900) * 15, "file")
    zone = zone_at(lat, lon) if lat is not None and lon is not None else None
    if zone:
        return Offset(offset_minutes(zone, at_utc), "gps", zone)
    return Offset(offset_minutes(athlete_timezone, at_utc), "athlete", athlete_timezone)


def offset_minutes(zone: str, at_utc: datetime) -> int:
    offset = at_utc.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


def zone_at(lat: float, lon: float) -> str | None:
    return _finder().timezone_at(lat=lat, lng=lon)


@cache
def _finder():
    from timezonefinder import TimezoneFinder

    return TimezoneFinder(in_memory=True)
