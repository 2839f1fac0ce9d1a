"""One activity, whatever the source: find the stored copy, keep the richer recording.

A run may reach the store as a watch's FIT file, a file in Strava's export and through the
API. The Strava id identifies it exactly once any source has it; before that, the start time
(and the sport, or else the distance) does. The richer recording keeps the samples and
totals; the Strava fields (id, title, notes, gear, sport type) are merged into whichever row
survives, so load is counted once and nothing the athlete wrote is lost. The notes a FIT
file carries (`fit_notes`) are the file's: only another FIT copy with notes replaces them,
so neither a Strava sync nor a copy without notes can erase them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import duckdb

from gaitload import sqlfiles
from gaitload.sources.model import Activity

SQL = "gaitload.store.sql"
STRAVA_FIELDS = (
    "strava_id",
    "strava_sport_type",
    "trainer",
    "name",
    "description",
    "private_note",
    "gear_id",
)


@dataclass
class Stored:
    activity_id: int
    action: str
    """inserted, replaced (a less full copy), kept (the stored copy was fuller) or updated."""
    other: str | None = None
    """The stored copy's file or source id, for the log's reason."""


def store(
    con: duckdb.DuckDBPyConnection,
    activity: Activity,
    athlete_id: int,
    *,
    source_file: str | None,
    file_sha256: str | None,
    fingerprint: str | None = None,
) -> Stored:
    """Insert, replace or enrich; the caller owns the transaction."""
    existing = _find(con, activity, athlete_id, file_sha256)
    if existing is None:
        activity_id = _insert(con, activity, athlete_id, source_file, file_sha256, fingerprint)
        return Stored(activity_id, "inserted")
    old = _row(con, existing)
    other = old["source_file"] or f"{old['source']}:{old['source_id']}"
    same_version = old["source"] == activity.source and old["source_id"] == activity.source_id
    if same_version or _fuller(activity, old):
        merged = _merged_strava_fields(old, activity, fingerprint, authoritative=same_version)
        for statement in sqlfiles.statements(SQL, "delete_activity.sql"):
            con.execute(statement, {"activity_id": existing})
        for name in (*STRAVA_FIELDS, "surface", "fit_notes"):
            setattr(activity, name, merged[name])  # the recording's own sport stays
        _insert(
            con,
            activity,
            athlete_id,
            source_file,
            file_sha256,
            merged["strava_fingerprint"],
            activity_id=existing,
            meta_from=merged["strava_meta_from"],
        )
        return Stored(existing, "updated" if same_version else "replaced", other)
    merged = _merged_strava_fields(old, activity, fingerprint)
    con.execute(sqlfiles.load(SQL, "update_strava_fields.sql"), {**merged, "activity_id": existing})
    return Stored(existing, "kept", other)


def enrich(
    con: duckdb.DuckDBPyConnection,
    activity_id: int,
    activity: Activity,
    fingerprint: str | None,
    *,
    authoritative: bool,
) -> None:
    """Only the Strava fields (title, notes, gear, sport type) of a stored activity change."""
    merged = _merged_strava_fields(
        _row(con, activity_id), activity, fingerprint, authoritative=authoritative
    )
    con.execute(
        sqlfiles.load(SQL, "update_strava_fields.sql"), {**merged, "activity_id": activity_id}
    )


def find(con: duckdb.DuckDBPyConnection, activity: Activity, athlete_id: int) -> dict | None:
    """The stored copy of this activity, if any (as `store` would find it)."""
    existing = _find(con, activity, athlete_id, None)
    return _row(con, existing) if existing is not None else None


def _find(
    con: duckdb.DuckDBPyConnection, a: Activity, athlete_id: int, file_sha256: str | None
) -> int | None:
    if a.strava_id is not None:
        row = con.execute(
            sqlfiles.load(SQL, "activity_by_strava_id.sql"),
            {"athlete_id": athlete_id, "strava_id": a.strava_id},
        ).fetchone()
        if row:
            return row[0]
    row = con.execute(
        sqlfiles.load(SQL, "same_activity.sql"),
        {
            "athlete_id": athlete_id,
            "sport": a.sport,
            "start_time_utc": a.start_time_utc,
            "file_sha256": file_sha256,
            "strava_id": a.strava_id,
            "distance_m": a.distance_m,
            "elapsed_time_s": a.elapsed_time_s,
        },
    ).fetchone()
    return row[0] if row else None


def _row(con: duckdb.DuckDBPyConnection, activity_id: int) -> dict:
    cursor = con.execute(sqlfiles.load(SQL, "stored_activity.sql"), {"activity_id": activity_id})
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


def _fuller(new: Activity, old: dict) -> bool:
    """Complete beats cut; samples beat a summary; a device file beats API streams; then more."""
    if new.partial != old["partial"]:
        return old["partial"]
    if (new.samples.height > 0) != (old["samples"] > 0):
        return new.samples.height > 0
    new_file, old_file = new.source != "strava", old["source"] != "strava"
    if new_file != old_file:
        return new_file
    return new.samples.height > old["samples"]


def _meta_from(a: Activity) -> str | None:
    if a.source == "strava":
        return "api"
    return "export" if a.strava_id is not None else None


def _merged_strava_fields(
    old: dict, new: Activity, fingerprint: str | None, *, authoritative: bool = False
) -> dict:
    """New values fill gaps and win, except that an export never overrides what the API said.

    `authoritative`: fresh values from Strava (an edit), which replace the old ones even
    where they cleared them. The sport and surface follow only when the stored recording is
    the same source's (a Strava run relabelled a hike is a hike); a device file keeps its own.
    """
    new_from = _meta_from(new)
    api_beats_new = old["strava_meta_from"] == "api" and new_from == "export"
    merged = {}
    for name in STRAVA_FIELDS:
        value = getattr(new, name)
        keep_old = not authoritative and (value is None or api_beats_new)
        merged[name] = old[name] if keep_old and old[name] is not None else value
    same_source = authoritative and old["source"] == new.source
    merged["surface"] = new.surface if same_source else new.surface or old["surface"]
    merged["sport"] = new.sport if same_source else old["sport"]
    merged["sub_sport"] = new.sub_sport if same_source else old["sub_sport"]
    merged["strava_meta_from"] = (
        old["strava_meta_from"] if api_beats_new else new_from or old["strava_meta_from"]
    )
    merged["strava_fingerprint"] = fingerprint or old["strava_fingerprint"]
    fit_notes = getattr(new, "fit_notes", None)  # Strava's side never has them
    merged["fit_notes"] = fit_notes if fit_notes is not None else old["fit_notes"]
    return merged


def _insert(
    con: duckdb.DuckDBPyConnection,
    a: Activity,
    athlete_id: int,
    source_file: str | None,
    file_sha256: str | None,
    fingerprint: str | None,
    *,
    activity_id: int | None = None,
    meta_from: str | None = None,
) -> int:
    columns = {f.name: getattr(a, f.name) for f in fields(a) if f.name not in ("samples", "laps")}
    (activity_id,) = con.execute(
        sqlfiles.load(SQL, "insert_activity.sql"),
        {
            **columns,
            "activity_id": activity_id,
            "athlete_id": athlete_id,
            "source_file": source_file,
            "file_sha256": file_sha256,
            "samples": a.samples.height,
            "strava_meta_from": meta_from or _meta_from(a),
            "strava_fingerprint": fingerprint,
        },
    ).fetchone()
    con.register("new_laps", a.laps)
    con.register("new_samples", a.samples)
    try:
        con.execute(
            "INSERT INTO core.laps BY NAME SELECT ? AS activity_id, * FROM new_laps", [activity_id]
        )
        con.execute(
            "INSERT INTO core.samples BY NAME SELECT ? AS activity_id, * FROM new_samples",
            [activity_id],
        )
    finally:
        con.unregister("new_laps")
        con.unregister("new_samples")
    return activity_id


def forget_strava(con: duckdb.DuckDBPyConnection, athlete_id: int, strava_id: int) -> str | None:
    """The athlete deleted it on Strava: drop an API-only copy, unlink one from a file.

    Returns what was done (deleted, unlinked) or None when nothing was stored.
    """
    row = con.execute(
        sqlfiles.load(SQL, "activity_by_strava_id.sql"),
        {"athlete_id": athlete_id, "strava_id": strava_id},
    ).fetchone()
    if row is None:
        return None
    (activity_id,) = row
    old = _row(con, activity_id)
    if old["source"] == "strava":
        for statement in sqlfiles.statements(SQL, "delete_activity.sql"):
            con.execute(statement, {"activity_id": activity_id})
        return "deleted"
    cleared = {name: None for name in STRAVA_FIELDS} | {
        "name": None,
        "surface": old["surface"],
        "sport": old["sport"],
        "sub_sport": old["sub_sport"],
        "strava_meta_from": None,
        "strava_fingerprint": None,
        "fit_notes": old["fit_notes"],
    }
    con.execute(
        sqlfiles.load(SQL, "update_strava_fields.sql"), {**cleared, "activity_id": activity_id}
    )
    return "unlinked"
