"""GPX tracks (Strava's export, phone apps, Garmin Connect) via gpxpy."""

from __future__ import annotations

from pathlib import Path

import gpxpy
import gpxpy.gpx

from gaitload.errors import CorruptFileError
from gaitload.sources.model import ParsedFile
from gaitload.sources.track import naive_utc, sport_name, to_parsed

EXTENSION_FIELDS = {
    "hr": "heart_rate",
    "heartrate": "heart_rate",
    "cad": "cadence_raw",
    "cadence": "cadence_raw",
    "power": "power_w",
    "watts": "power_w",
}


def parse_gpx(path: Path, data: bytes, sha256: str, athlete_timezone: str) -> ParsedFile:
    try:
        gpx = gpxpy.parse(data.decode("utf-8-sig").lstrip())
    except (gpxpy.gpx.GPXException, UnicodeDecodeError, ValueError) as exc:
        raise CorruptFileError(f"not a readable GPX file ({exc})") from exc
    columns: dict[str, list] = {
        k: [] for k in ("ts", "lat", "lon", "altitude_m", "heart_rate", "cadence_raw", "power_w")
    }
    for track in gpx.tracks:
        for segment in track.segments:
            for point in segment.points:
                extras = _extensions(point.extensions)
                columns["ts"].append(naive_utc(point.time))
                columns["lat"].append(point.latitude)
                columns["lon"].append(point.longitude)
                columns["altitude_m"].append(point.elevation)
                for name in ("heart_rate", "cadence_raw", "power_w"):
                    columns[name].append(extras.get(name))
    track = gpx.tracks[0] if gpx.tracks else None
    return to_parsed(
        path,
        sha256,
        "gpx",
        columns,
        sport=sport_name(track.type if track else None),
        athlete_timezone=athlete_timezone,
        name=(track.name if track else None) or gpx.name,
        device=gpx.creator,
        size_bytes=len(data),
    )


def _extensions(elements: list) -> dict[str, float]:
    """Heart rate, cadence and power from Garmin's TrackPointExtension or plain tags."""
    found: dict[str, float] = {}
    for element in elements:
        for node in element.iter():
            field = EXTENSION_FIELDS.get(node.tag.rsplit("}", 1)[-1].lower())
            if field and node.text:
                try:
                    found.setdefault(field, float(node.text))
                except ValueError:
                    continue
    return found
