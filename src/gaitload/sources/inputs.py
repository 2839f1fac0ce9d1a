"""What an import reads: files on disk (.fit, .gpx, .tcx, each maybe .gz) and the contents
of Strava exports, each an `Input` that a worker process can read and parse by itself."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from gaitload.errors import CorruptFileError
from gaitload.sources.fit import parse_fit, read_fit_bytes
from gaitload.sources.gpx import parse_gpx
from gaitload.sources.model import ParsedFile
from gaitload.sources.strava import export as strava_export
from gaitload.sources.tcx import parse_tcx

SUFFIXES = (".fit", ".fit.gz", ".gpx", ".gpx.gz", ".tcx", ".tcx.gz")
PARSERS = {"fit": parse_fit, "gpx": parse_gpx, "tcx": parse_tcx}


@dataclass(frozen=True)
class Input:
    path: Path
    """The file, or the export (zip or folder) holding `member`."""
    member: str | None = None
    row: strava_export.ExportRow | None = None
    """The export's activities.csv line for this file; alone, a manual activity."""

    @property
    def display(self) -> Path:
        if self.member is None:
            return self.path
        return self.path / (self.member if self.file else f"activities.csv#{self.row.strava_id}")

    @property
    def file(self) -> bool:
        return self.member is None or not self.member.startswith("#")

    @property
    def kind(self) -> str:
        if not self.file:
            return "summary"
        name = (self.member or self.path.name).lower().removesuffix(".gz")
        return name.rsplit(".", 1)[-1] if "." in name else "fit"

    @property
    def source(self) -> str:
        return "export" if self.row or self.member else self.kind


def is_activity_path(path: Path) -> bool:
    return path.name.lower().endswith(SUFFIXES)


def find_inputs(paths: Iterable[Path]) -> Iterator[Input | strava_export.Export]:
    """Files as given (the parser judges them), folders recursively, exports as a whole."""
    for path in paths:
        if strava_export.is_export(path):
            yield strava_export.open_export(path)
        elif path.is_dir():
            yield from (
                Input(p) for p in sorted(path.rglob("*")) if p.is_file() and is_activity_path(p)
            )
        else:
            yield Input(path)


def export_inputs(export: strava_export.Export) -> list[Input]:
    """Each activity file with its csv line, and each manual activity (a line without file)."""
    by_file = {row.filename.lower(): row for row in export.rows if row.filename}
    inputs = [
        Input(export.root, name, by_file.get(name[len(export.prefix) :].lower()))
        for name in export.files
    ]
    present = {name[len(export.prefix) :].lower() for name in export.files}
    inputs += [
        Input(export.root, f"#{row.strava_id}", row)
        for row in export.rows
        if not row.filename or row.filename.lower() not in present
    ]
    return inputs


def read_input(item: Input) -> bytes:
    if not item.file:
        return strava_export.row_bytes(item.row)
    if item.member is not None:
        return strava_export.read_member(item.path, item.member)
    return read_fit_bytes(item.path)


def read_and_parse(item: Input, sha256: str, athlete_timezone: str) -> ParsedFile:
    """What an import's worker process runs: one input read and parsed, never raised.

    Here, beside the parsers, so a spawned worker imports them alone (0.7 s, where the
    importer's module with the store and the metrics would take 1.0 s per worker).
    """
    try:
        data = read_input(item)
    except (CorruptFileError, OSError, KeyError) as exc:
        return ParsedFile(item.display, sha256, "rejected", reason=unreadable(exc))
    try:
        return parse_input(item, data, sha256, athlete_timezone)
    except Exception as exc:  # a decoder bug on one odd file must not stop the batch
        why = f"could not be parsed: {type(exc).__name__}: {exc}"
        return ParsedFile(item.display, sha256, "rejected", reason=why)


def unreadable(exc: Exception) -> str:
    """One line for an input that could not be read."""
    if isinstance(exc, CorruptFileError):
        return str(exc)
    return f"cannot read: {exc.strerror or exc}" if isinstance(exc, OSError) else str(exc)


def parse_input(item: Input, data: bytes, sha256: str, athlete_timezone: str) -> ParsedFile:
    """Parse one input's bytes; bad input comes back as a rejected result, never raised."""
    if not item.file:
        parsed = ParsedFile(path=item.display, sha256=sha256, status="activity")
        try:
            parsed.activities = [strava_export.row_activity(item.row, athlete_timezone)]
        except CorruptFileError as exc:
            parsed.status, parsed.reason = "rejected", str(exc)
        return parsed
    parser = PARSERS.get(item.kind, parse_fit)
    try:
        parsed = parser(item.display, data, sha256, athlete_timezone)
    except CorruptFileError as exc:
        return ParsedFile(item.display, sha256, "rejected", reason=str(exc), size_bytes=len(data))
    if item.source == "export":
        for index, activity in enumerate(parsed.activities):
            activity.source = "export"
            activity.source_id = f"{sha256}:{index}"
        if item.row is not None and parsed.activities:
            strava_export.apply_row(_matching(parsed, item.row), item.row)
    return parsed


def _matching(parsed: ParsedFile, row: strava_export.ExportRow):
    """The session the csv line describes: the one starting nearest its date."""
    if row.start_utc is None:
        return parsed.activities[0]
    return min(
        parsed.activities, key=lambda a: abs((a.start_time_utc - row.start_utc).total_seconds())
    )
