"""What an export adds beyond its activities: its gear (known only by name until the API
names it), and Strava's fields for a file imported before from the watch."""

from __future__ import annotations

from types import SimpleNamespace

import duckdb

from gaitload import sqlfiles
from gaitload.sources.model import Link
from gaitload.sources.strava import activity as strava_names
from gaitload.sources.strava import export as strava_export
from gaitload.sources.strava.export import ExportGear, ExportRow
from gaitload.store import activities, writer

SQL = "gaitload.sources.strava.sql"


def save_export_gear(
    con: duckdb.DuckDBPyConnection, athlete_id: int, gear: list[ExportGear]
) -> None:
    for item in gear:
        writer.save_gear(
            con, athlete_id, strava_export.gear_id(item.name, athlete_id), item.kind, item.name
        )


def adopt_export_gear(
    con: duckdb.DuckDBPyConnection, athlete_id: int, gear_id: str, name: str
) -> None:
    """The API names a shoe the export only knew by name: its activities move to the id."""
    params = {
        "athlete_id": athlete_id,
        "gear_id": gear_id,
        "export_gear_id": strava_export.gear_id(name, athlete_id),
    }
    for statement in sqlfiles.statements(SQL, "adopt_export_gear.sql"):
        con.execute(statement, params)


def link_export_row(
    con: duckdb.DuckDBPyConnection, athlete_id: int, sha256: str, row: ExportRow
) -> int | None:
    """A file imported before (from the watch) is in the export too: give it its Strava id."""
    found = con.execute(
        sqlfiles.load(SQL, "activity_of_file.sql"),
        {"athlete_id": athlete_id, "sha256": sha256, "start_utc": row.start_utc},
    ).fetchone()
    if found is None:
        return None
    fields = SimpleNamespace(
        source="export",
        link=Link("strava", str(row.strava_id), row.sport_type, via="export"),
        trainer=None,
        name=row.name,
        description=row.description,
        private_note=row.private_note,
        gear_id=strava_export.gear_id(row.gear, athlete_id) if row.gear else None,
        surface=strava_names.surface_of(row.sport_type, None) if row.sport_type else None,
    )
    activities.enrich(con, found[0], fields, None, authoritative=False)
    return found[0]
