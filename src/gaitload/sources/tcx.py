"""TCX files (Garmin Training Center; Strava's export of older uploads) via tcxreader."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

from tcxreader.tcxreader import TCXReader

from gaitload.errors import CorruptFileError
from gaitload.sources.model import ParsedFile
from gaitload.sources.track import naive_utc, sport_name, to_parsed


def parse_tcx(path: Path, data: bytes, sha256: str, athlete_timezone: str) -> ParsedFile:
    # Strava's TCX files start with spaces before the XML declaration, which parsers refuse.
    try:
        exercise = TCXReader().read(io.BytesIO(data.lstrip()), only_gps=False)
    except (ET.ParseError, ValueError, KeyError) as exc:
        raise CorruptFileError(f"not a readable TCX file ({exc})") from exc
    points = exercise.trackpoints or []
    columns = {
        "ts": [naive_utc(p.time) for p in points],
        "lat": [p.latitude for p in points],
        "lon": [p.longitude for p in points],
        "altitude_m": [p.elevation for p in points],
        "distance_m": [p.distance for p in points],
        "heart_rate": [p.hr_value for p in points],
        "speed_m_s": [(p.tpx_ext or {}).get("Speed") for p in points],
        "cadence_raw": [p.cadence or (p.tpx_ext or {}).get("RunCadence") for p in points],
        "power_w": [(p.tpx_ext or {}).get("Watts") for p in points],
    }
    author = getattr(exercise.author, "name", None) if exercise.author else None
    return to_parsed(
        path,
        sha256,
        "tcx",
        columns,
        sport=sport_name(exercise.activity_type),
        athlete_timezone=athlete_timezone,
        device=author,
        size_bytes=len(data),
    )
