"""Strava's "Download your data" archive: activities.csv, the activity files, the gear.

Read in place, zip or unpacked folder: nothing in the archive is written to disk. Member
names that would escape the folder (absolute, `..`, links) are refused; a member may not
inflate past `MAX_MEMBER_BYTES` nor beyond `MAX_RATIO` times its compressed size, and
zipfile never reads past a member's declared size, so decompression is bounded.

`activities.csv` repeats column names: the first `Distance`, `Elapsed Time`, ... are in the
account's display units and locale ("4.11" km, "33,22"), the later ones in metres and
seconds, so the last occurrence of a name is the one read. `Activity Date` is UTC.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from dateutil import parser as date_parser

from gaitload.errors import CorruptFileError
from gaitload.sources import local_time
from gaitload.sources.model import FOOT_SPORTS, Activity, Link
from gaitload.sources.strava import activity as strava_names

MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200
"""Activity files compress 2-20 fold; a member claiming more is refused unread."""
ACTIVITY_SUFFIXES = (".fit", ".fit.gz", ".gpx", ".gpx.gz", ".tcx", ".tcx.gz")
DATE_FORMATS = ("%b %d, %Y, %I:%M:%S %p", "%b %d, %Y, %H:%M:%S", "%d.%m.%Y, %H:%M:%S")


@dataclass(frozen=True)
class ExportRow:
    """One line of activities.csv, in SI units."""

    strava_id: int
    start_utc: datetime | None
    name: str | None = None
    sport_type: str | None = None
    description: str | None = None
    private_note: str | None = None
    gear: str | None = None
    filename: str | None = None
    elapsed_s: float | None = None
    moving_s: float | None = None
    distance_m: float | None = None
    ascent_m: float | None = None
    avg_hr: float | None = None
    max_hr: float | None = None
    avg_cadence: float | None = None


@dataclass(frozen=True)
class ExportGear:
    kind: str
    name: str


@dataclass
class Export:
    root: Path
    prefix: str = ""
    """The folder inside the zip that holds activities.csv ('' at the top)."""
    rows: list[ExportRow] = field(default_factory=list)
    gear: list[ExportGear] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    """Activity files, as names relative to the archive's root."""
    unknown: list[str] = field(default_factory=list)
    unsafe: list[str] = field(default_factory=list)
    csv_problem: str | None = None


def is_export(path: Path) -> bool:
    if path.is_dir():
        return (path / "activities.csv").is_file()
    if path.suffix.lower() != ".zip" or not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as archive:
        return _prefix(archive.namelist()) is not None


def gear_id(name: str, athlete_id: int | None = None) -> str:
    """Export gear has no Strava id, only its name; the API sync adopts it by name.

    The athlete is added by the writer (`qualify_gear_id`): two athletes may own "Pegasus 40".
    """
    key = re.sub(r"\s+", " ", name.strip().lower())
    return f"strava-export:{athlete_id}:{key}" if athlete_id is not None else f"strava-export:{key}"


def qualify_gear_id(value: str | None, athlete_id: int) -> str | None:
    if value is None or not value.startswith("strava-export:") or value.count(":") > 1:
        return value
    return gear_id(value.removeprefix("strava-export:"), athlete_id)


def open_export(root: Path) -> Export:
    export = Export(root=root)
    names = _names(root)
    export.prefix = _prefix(names) or ""
    for name in names:
        if not _safe(name):
            export.unsafe.append(name)
            continue
        inner = name[len(export.prefix) :] if name.startswith(export.prefix) else name
        lower = inner.lower()
        if name.endswith("/") or inner in ("activities.csv", "shoes.csv", "bikes.csv"):
            continue
        if lower.startswith("activities/") and lower.endswith(ACTIVITY_SUFFIXES):
            export.files.append(name)
        else:
            export.unknown.append(name)
    try:
        export.rows = _rows(read_member(root, export.prefix + "activities.csv"))
    except (CorruptFileError, ValueError, KeyError) as exc:
        export.csv_problem = f"activities.csv could not be read ({exc}): files kept, titles lost"
    for kind, file_name, column in (("shoe", "shoes.csv", "Shoe"), ("bike", "bikes.csv", "Bike")):
        if export.prefix + file_name in names:
            export.gear += _gear(read_member(root, export.prefix + file_name), kind, column)
    return export


def read_member(root: Path, name: str) -> bytes:
    """A member's bytes, gzip undone, never more than `MAX_MEMBER_BYTES`."""
    if root.is_dir():
        path = (root / name).resolve()
        if not path.is_relative_to(root.resolve()):
            raise CorruptFileError(f"{name}: outside the export folder, refused")
        data = path.read_bytes()
    else:
        with zipfile.ZipFile(root) as archive:
            info = archive.getinfo(name)
            if info.file_size > MAX_MEMBER_BYTES or info.file_size > MAX_RATIO * max(
                info.compress_size, 1024
            ):
                raise CorruptFileError(
                    f"{name}: inflates to {info.file_size:,} bytes from "
                    f"{info.compress_size:,}: refused as a decompression bomb"
                )
            with archive.open(info) as member:
                data = member.read(MAX_MEMBER_BYTES + 1)
    if name.lower().endswith(".gz"):
        from gaitload.sources.fit import gunzip_capped

        data = gunzip_capped(data)
    return data


def row_bytes(row: ExportRow) -> bytes:
    """A manual activity's identity for the import's content hash."""
    return json.dumps(asdict(row), default=str, sort_keys=True).encode()


def row_activity(row: ExportRow, athlete_timezone: str) -> Activity:
    """A manual activity (no file): its summary is all there is."""
    if row.start_utc is None:
        raise CorruptFileError(f"activity {row.strava_id}: no readable date in activities.csv")
    sport_type = row.sport_type or "Workout"
    sport = strava_names.sport_of(sport_type)
    offset = local_time.offset_minutes(athlete_timezone, row.start_utc)
    foot = sport in FOOT_SPORTS
    activity = Activity(
        source="export",
        source_id=str(row.strava_id),
        sport=sport,
        sub_sport=strava_names.sub_sport_of(sport_type, None),
        start_time_utc=row.start_utc,
        utc_offset_min=offset,
        offset_source="athlete",
        timezone=athlete_timezone,
        elapsed_time_s=row.elapsed_s or row.moving_s or 0.0,
        moving_time_s=row.moving_s or row.elapsed_s or 0.0,
        distance_m=row.distance_m or None,
        ascent_m=row.ascent_m,
        descent_m=None,
        avg_cadence_spm=row.avg_cadence * 2 if foot and row.avg_cadence else None,
        avg_hr=row.avg_hr,
        max_hr=row.max_hr,
        totals_source="manual",
    )
    apply_row(activity, row)
    return activity


def apply_row(activity: Activity, row: ExportRow) -> None:
    """The Strava fields from activities.csv onto an activity parsed from its file."""
    sport_type = row.sport_type
    activity.source = "export"
    activity.link = Link("strava", str(row.strava_id), sport_type, via="export")
    activity.name = row.name or activity.name
    activity.description = row.description
    activity.private_note = row.private_note
    activity.gear_id = gear_id(row.gear) if row.gear else None
    if sport_type:
        if activity.sport == "generic":
            activity.sport = strava_names.sport_of(sport_type)
        activity.surface = activity.surface or strava_names.surface_of(sport_type, None)


# -- activities.csv --------------------------------------------------------------------------


def _rows(data: bytes) -> list[ExportRow]:
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    header = next(reader)
    last = {name.strip(): i for i, name in enumerate(header)}  # the SI copy of a repeated name
    if "Activity ID" not in last:
        raise ValueError("no 'Activity ID' column: headers in another language are not supported")

    def text(row: list[str], name: str) -> str | None:
        i = last.get(name)
        value = row[i].strip() if i is not None and i < len(row) else ""
        return value or None

    def number(row: list[str], name: str) -> float | None:
        return _number(text(row, name))

    rows = []
    for row in reader:
        if not row or not text(row, "Activity ID"):
            continue
        distance = number(row, "Distance")
        if header.count("Distance") == 1 and distance is not None:
            distance *= 1000  # an old export: only the display column, in km
        rows.append(
            ExportRow(
                strava_id=int(text(row, "Activity ID")),
                start_utc=_date(text(row, "Activity Date")),
                name=text(row, "Activity Name"),
                sport_type=(text(row, "Activity Type") or "").replace(" ", "") or None,
                description=text(row, "Activity Description"),
                private_note=text(row, "Activity Private Note"),
                gear=text(row, "Activity Gear"),
                filename=text(row, "Filename"),
                elapsed_s=number(row, "Elapsed Time"),
                moving_s=number(row, "Moving Time"),
                distance_m=distance,
                ascent_m=number(row, "Elevation Gain"),
                avg_hr=number(row, "Average Heart Rate"),
                max_hr=number(row, "Max Heart Rate"),
                avg_cadence=number(row, "Average Cadence"),
            )
        )
    return rows


def _gear(data: bytes, kind: str, column: str) -> list[ExportGear]:
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    gear = []
    for row in reader:
        name = (row.get(f"{column} Name") or "").strip()
        if not name:
            name = " ".join(
                v.strip() for v in (row.get(f"{column} Brand"), row.get(f"{column} Model")) if v
            )
        if name:
            gear.append(ExportGear(kind=kind, name=name))
    return gear


def _number(value: str | None) -> float | None:
    """'4110.5', '33,22' (decimal comma) or '1,234.5' (thousands) to a float."""
    if not value:
        return None
    if "," in value and "." in value:
        value = value.replace(",", "")
    value = value.replace(",", ".")
    try:
        return float(value)
    except ValueError:
        return None


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    try:
        return date_parser.parse(value).replace(tzinfo=None)
    except (ValueError, OverflowError):
        return None


# -- the archive -----------------------------------------------------------------------------


def _names(root: Path) -> list[str]:
    if root.is_dir():
        return sorted(
            p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() or p.is_symlink()
        )
    with zipfile.ZipFile(root) as archive:
        return [info.filename + ("\0link" if _is_link(info) else "") for info in archive.infolist()]


def _is_link(info: zipfile.ZipInfo) -> bool:
    return (info.external_attr >> 16) & 0o170000 == 0o120000


def _prefix(names: list[str]) -> str | None:
    """'' if activities.csv is at the top, 'folder/' if the zip wraps everything in one."""
    for name in names:
        path = PurePosixPath(name)
        if path.name == "activities.csv" and len(path.parts) <= 2:
            return "" if len(path.parts) == 1 else f"{path.parts[0]}/"
    return None


def _safe(name: str) -> bool:
    path = PurePosixPath(name)
    return not (
        name.endswith("\0link")
        or path.is_absolute()
        or ".." in path.parts
        or "\\" in name
        or re.match(r"^[A-Za-z]:", name)
    )
