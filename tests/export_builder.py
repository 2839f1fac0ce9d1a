"""Build Strava exports shaped like the real archive, with known contents (and nasty ones)."""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import gpxpy.gpx
import polars as pl

from gaitload.demo.fitwriter import SessionSpec, write_fit

# The real header: display-unit columns first, the same names again later in SI units.
HEADER = [
    *["Activity ID", "Activity Date", "Activity Name", "Activity Type", "Activity Description"],
    *["Elapsed Time", "Distance", "Max Heart Rate", "Relative Effort", "Commute"],
    *["Activity Private Note", "Activity Gear", "Filename", "Athlete Weight", "Bike Weight"],
    *["Elapsed Time", "Moving Time", "Distance", "Max Speed", "Average Speed", "Elevation Gain"],
    *["Elevation Loss", "Elevation Low", "Elevation High", "Max Grade", "Average Grade"],
    *["Max Cadence", "Average Cadence", "Max Heart Rate", "Average Heart Rate"],
]


def csv_row(
    activity_id: int,
    start: datetime,
    *,
    name: str = "Lunch Run",
    kind: str = "Run",
    filename: str = "",
    distance_m: float = 10080.0,
    elapsed_s: float = 3600.0,
    gear: str = "Pegasus 40",
    description: str = "shin ok",
    note: str = "slept badly",
) -> list[str]:
    display_km = f"{distance_m / 1000:.2f}".replace(".", ",")  # the account's locale
    return [
        str(activity_id),
        start.strftime("%b %-d, %Y, %-I:%M:%S %p"),
        name,
        kind,
        description,
        str(int(elapsed_s)),
        display_km,
        "150.0",
        "40",
        "false",
        note,
        gear,
        filename,
        "",
        "",
        f"{elapsed_s:.1f}",
        f"{elapsed_s:.1f}",
        f"{distance_m:.1f}",
        "3.4",
        "2.8",
        "50.0",
        "50.0",
        "1600.0",
        "1650.0",
        "5.0",
        "0.0",
        "90",
        "85.5",
        "150.0",
        "139.5",
    ]


def activities_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def fit_bytes(tmp: Path, start: datetime, samples: pl.DataFrame) -> bytes:
    path = write_fit(tmp / f"{start:%Y%m%d%H%M}.fit", start, [SessionSpec("running", samples)])
    return path.read_bytes()


def gpx_bytes(start: datetime, samples: pl.DataFrame, kind: str = "running") -> bytes:
    gpx = gpxpy.gpx.GPX()
    gpx.creator = "StravaGPX"
    track = gpxpy.gpx.GPXTrack(name="Evening Run")
    track.type = kind
    segment = gpxpy.gpx.GPXTrackSegment()
    ns = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
    gpx.nsmap["gpxtpx"] = ns
    for row in samples.iter_rows(named=True):
        point = gpxpy.gpx.GPXTrackPoint(
            row["lat"],
            row["lon"],
            elevation=row["altitude_m"],
            time=start + timedelta(seconds=row["t_s"]),
        )
        from xml.etree import ElementTree as ET

        ext = ET.Element(f"{{{ns}}}TrackPointExtension")
        ET.SubElement(ext, f"{{{ns}}}hr").text = str(row["heart_rate"])
        ET.SubElement(ext, f"{{{ns}}}cad").text = str(round(row["cadence_spm"] / 2))
        point.extensions.append(ext)
        segment.points.append(point)
    track.segments.append(segment)
    gpx.tracks.append(track)
    return gpx.to_xml().encode()


def tcx_bytes(start: datetime, samples: pl.DataFrame) -> bytes:
    points = "".join(
        f"<Trackpoint><Time>{(start + timedelta(seconds=r['t_s'])):%Y-%m-%dT%H:%M:%SZ}</Time>"
        f"<Position><LatitudeDegrees>{r['lat']}</LatitudeDegrees>"
        f"<LongitudeDegrees>{r['lon']}</LongitudeDegrees></Position>"
        f"<AltitudeMeters>{r['altitude_m']}</AltitudeMeters>"
        f"<DistanceMeters>{r['distance_m']}</DistanceMeters>"
        f"<HeartRateBpm><Value>{r['heart_rate']}</Value></HeartRateBpm>"
        f"<Cadence>{round(r['cadence_spm'] / 2)}</Cadence></Trackpoint>"
        for r in samples.iter_rows(named=True)
    )
    # Strava's TCX files really do start with spaces before the declaration.
    return (
        '          <?xml version="1.0" encoding="UTF-8"?>'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f'<Activities><Activity Sport="Running"><Id>{start:%Y-%m-%dT%H:%M:%SZ}</Id>'
        f'<Lap StartTime="{start:%Y-%m-%dT%H:%M:%SZ}"><TotalTimeSeconds>3600</TotalTimeSeconds>'
        f"<DistanceMeters>{samples['distance_m'].max()}</DistanceMeters><Track>{points}</Track>"
        "</Lap></Activity></Activities></TrainingCenterDatabase>"
    ).encode()


def write_zip(path: Path, members: dict[str, bytes], *, links: dict[str, str] | None = None):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o120777) << 16
            archive.writestr(info, target)
    return path


def gz(data: bytes) -> bytes:
    return gzip.compress(data)
