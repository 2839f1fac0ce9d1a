"""One activity, whatever the source: find the stored copy, keep the richer recording.

A run may reach the store as a watch's FIT file, a file in Strava's export and through the
API. A (source, external_id) link identifies it exactly once any copy has it; before that,
the start time (and the sport, or else the distance) does. The richer recording keeps the
samples and totals; what each source may fill (its `MergeRule`, listed in `sources/merge_rules.py`:
Strava's title, notes and gear, a FIT file's notes) is merged into whichever row survives,
so load is counted once and nothing the athlete wrote is lost.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

import duckdb
import polars as pl

from gaitload import sqlfiles
from gaitload.read import query
from gaitload.sources import merge_rules
from gaitload.sources.model import Activity

SQL = "gaitload.store.sql"
ANNOTATIONS = (
    "name",
    "trainer",
    "description",
    "private_note",
    "gear_id",
    "fit_notes",
    "surface",
    "sport",
    "sub_sport",
)
"""The columns another copy may change (update_fields.sql); a merge rule names only these."""


@dataclass
class Stored:
    activity_id: int
    action: str
    """inserted, replaced (a less full copy), kept (the stored copy was fuller) or updated."""
    other: str | None = None
    """The stored copy's file or source id, for the log's reason."""


class PendingSamples:
    """Samples and laps of activities inserted in the open transaction, written at `flush`
    in one statement per table: a batch of files costs two inserts, not two per file."""

    def __init__(self) -> None:
        self.samples: list[pl.DataFrame] = []
        self.laps: list[pl.DataFrame] = []

    def add(self, activity_id: int, samples: pl.DataFrame, laps: pl.DataFrame) -> None:
        key = pl.lit(activity_id, pl.Int64).alias("activity_id")
        if samples.height:
            self.samples.append(samples.with_columns(key))
        if laps.height:
            self.laps.append(laps.with_columns(key))

    def flush(self, con: duckdb.DuckDBPyConnection) -> None:
        for table, frames in (("core.samples", self.samples), ("core.laps", self.laps)):
            if not frames:
                continue
            con.register("pending_rows", pl.concat(frames, how="diagonal_relaxed"))
            try:
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM pending_rows")
            finally:
                unregister(con, "pending_rows")
            frames.clear()


def unregister(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop a registered frame; in a transaction a failed insert aborted, DuckDB refuses
    (the next `register` of the name replaces it), and the insert's error is the one to tell."""
    with suppress(duckdb.TransactionException):
        con.unregister(name)


def store(
    con: duckdb.DuckDBPyConnection,
    activity: Activity,
    athlete_id: int,
    *,
    source_file: str | None,
    file_sha256: str | None,
    fingerprint: str | None = None,
    pending: PendingSamples | None = None,
) -> Stored:
    """Insert, replace or enrich; the caller owns the transaction.

    With `pending`, the samples and laps of an inserted activity wait there for the
    caller's `flush` (before its commit); a stored copy found is compared and replaced only
    after what is pending went in, so it is seen whole.
    """
    existing = _find(con, activity, athlete_id, file_sha256)
    if existing is None:
        activity_id = _insert(con, activity, athlete_id, source_file, file_sha256, pending=pending)
        _save_links(con, activity_id, _merged_links({}, activity, fingerprint, False, False))
        return Stored(activity_id, "inserted")
    if pending is not None:
        pending.flush(con)
    old = _row(con, existing)
    other = old["source_file"] or f"{old['source']}:{old['source_id']}"
    same_version = old["source"] == activity.source and old["source_id"] == activity.source_id
    merged, links = _merged(old, activity, fingerprint, authoritative=same_version)
    if same_version or _fuller(activity, old):
        for statement in sqlfiles.statements(SQL, "delete_activity.sql"):
            con.execute(statement, {"activity_id": existing})
        for name in merged.keys() - {"sport", "sub_sport"}:  # the recording's own sport stays
            setattr(activity, name, merged[name])
        _insert(con, activity, athlete_id, source_file, file_sha256, activity_id=existing)
        _save_links(con, existing, links)
        return Stored(existing, "updated" if same_version else "replaced", other)
    _update(con, existing, merged)
    _save_links(con, existing, links)
    return Stored(existing, "kept", other)


def enrich(
    con: duckdb.DuckDBPyConnection,
    activity_id: int,
    activity: Activity,
    fingerprint: str | None,
    *,
    authoritative: bool,
) -> None:
    """Only what the copy's source may fill (title, notes, gear, ...) changes."""
    old = _row(con, activity_id)
    merged, links = _merged(old, activity, fingerprint, authoritative=authoritative)
    _update(con, activity_id, merged)
    _save_links(con, activity_id, links)


def find(con: duckdb.DuckDBPyConnection, activity: Activity, athlete_id: int) -> dict | None:
    """The stored copy of this activity, if any (as `store` would find it)."""
    existing = _find(con, activity, athlete_id, None)
    return _row(con, existing) if existing is not None else None


def forget(
    con: duckdb.DuckDBPyConnection, athlete_id: int, source: str, external_id: str
) -> str | None:
    """The athlete deleted it at the source: drop a copy only the source recorded, unlink
    one recorded elsewhere (a file) and clear what the source had filled.

    Returns what was done (deleted, unlinked) or None when nothing was stored.
    """
    activity_id = _by_link(con, athlete_id, source, external_id)
    if activity_id is None:
        return None
    old = _row(con, activity_id)
    if old["source"] == source:
        for statement in sqlfiles.statements(SQL, "delete_activity.sql"):
            con.execute(statement, {"activity_id": activity_id})
        return "deleted"
    rule = merge_rules.rule_of(source)
    _update(con, activity_id, {name: None for name in (rule.fields if rule else ())})
    con.execute(
        sqlfiles.load(SQL, "delete_link.sql"), {"activity_id": activity_id, "source": source}
    )
    return "unlinked"


def _find(
    con: duckdb.DuckDBPyConnection, a: Activity, athlete_id: int, file_sha256: str | None
) -> int | None:
    if a.link is not None:
        found = _by_link(con, athlete_id, a.link.source, a.link.external_id)
        if found is not None:
            return found
    matches = _matches(con, [_candidate(a, file_sha256)], athlete_id)
    return matches[0][1] if matches else None


def _matches(
    con: duckdb.DuckDBPyConnection, candidates: list[dict], athlete_id: int
) -> list[tuple[int, int | None, int | None]]:
    """(position, stored activity id, earlier candidate's position) of each candidate that
    is the same session as one stored, or as an earlier candidate (same_activity.sql)."""
    frame = pl.DataFrame(candidates, schema=CANDIDATE, orient="row")
    con.register("candidates", frame.with_row_index("position").cast({"position": pl.Int64}))
    try:
        rows = con.execute(
            sqlfiles.load(SQL, "same_activity.sql"), {"athlete_id": athlete_id}
        ).fetchall()  # to the end: DuckDB registers no frame while a result is unfinished
    finally:
        unregister(con, "candidates")
    return rows


CANDIDATE = {
    "sport": pl.String,
    "start_time_utc": pl.Datetime("us"),
    "file_sha256": pl.String,
    "link_source": pl.String,
    "distance_m": pl.Float64,
    "elapsed_time_s": pl.Float64,
}


def _candidate(a: Activity, file_sha256: str | None) -> dict:
    return {
        "sport": a.sport,
        "start_time_utc": a.start_time_utc,
        "file_sha256": file_sha256,
        "link_source": a.link.source if a.link else None,
        "distance_m": a.distance_m,
        "elapsed_time_s": a.elapsed_time_s,
    }


def _by_link(con, athlete_id: int, source: str, external_id: str) -> int | None:
    row = con.execute(
        sqlfiles.load(SQL, "activity_by_link.sql"),
        {"athlete_id": athlete_id, "source": source, "external_id": str(external_id)},
    ).fetchall()
    return row[0][0] if row else None


def _row(con: duckdb.DuckDBPyConnection, activity_id: int) -> dict:
    """The stored activity, with its links by source."""
    row = query.one(con, sqlfiles.load(SQL, "stored_activity.sql"), activity_id=activity_id)
    links = query.rows(con, sqlfiles.load(SQL, "links_of.sql"), activity_id=activity_id)
    row["links"] = {link["source"]: link for link in links}
    return row


def _fuller(new: Activity, old: dict) -> bool:
    """Complete beats cut; samples beat a summary; a device file beats API streams; then more."""
    if new.partial != old["partial"]:
        return old["partial"]
    if (new.samples.height > 0) != (old["samples"] > 0):
        return new.samples.height > 0
    new_file, old_file = _from_file(new.source), _from_file(old["source"])
    if new_file != old_file:
        return new_file
    return new.samples.height > old["samples"]


def _from_file(source: str) -> bool:
    return merge_rules.from_file(source)


def _merged(
    old: dict, new: Activity, fingerprint: str | None, *, authoritative: bool = False
) -> tuple[dict, dict]:
    """New values fill gaps and win, except where the stored value came by a more trusted
    channel of the same source (the API's title against the export's).

    `authoritative`: fresh values from the source itself (an edit), which replace its old
    ones even where they cleared them. The sport and surface follow only when the stored
    recording is the same source's (a Strava run relabelled a hike is a hike); a device
    file keeps its own. Returns the merged columns and the merged links.
    """
    link = getattr(new, "link", None)
    own = merge_rules.rule_of(link.source) if link else None
    old_link = old["links"].get(link.source) if link else None
    outranked = bool(own and old_link and own.outranks(old_link["via"], link.via))
    merged = {}
    for rule in merge_rules.RULES:
        replaces = authoritative and rule is own
        for name in rule.fields:
            value = getattr(new, name, None)
            keep_old = not replaces and (value is None or (rule is own and outranked))
            merged[name] = old[name] if keep_old and old[name] is not None else value
    same_source = authoritative and old["source"] == new.source
    merged["surface"] = new.surface if same_source else new.surface or old["surface"]
    merged["sport"] = new.sport if same_source else old["sport"]
    merged["sub_sport"] = new.sub_sport if same_source else old["sub_sport"]
    return merged, _merged_links(old["links"], new, fingerprint, authoritative, outranked)


def _merged_links(
    old_links: dict, new: Activity, fingerprint: str | None, authoritative: bool, outranked: bool
) -> dict:
    links = dict(old_links)
    link = getattr(new, "link", None)
    if link is None:
        return links
    old = old_links.get(link.source) or {}
    keep_sport = not authoritative and (link.sport_type is None or outranked)
    links[link.source] = {
        "source": link.source,
        "external_id": str(link.external_id),
        "sport_type": (
            old.get("sport_type")
            if keep_sport and old.get("sport_type") is not None
            else link.sport_type
        ),
        "via": old.get("via") if outranked else link.via or old.get("via"),
        "fingerprint": fingerprint or old.get("fingerprint"),
    }
    return links


def _save_links(con: duckdb.DuckDBPyConnection, activity_id: int, links: dict) -> None:
    for link in links.values():
        con.execute(sqlfiles.load(SQL, "save_link.sql"), {**link, "activity_id": activity_id})


def _update(con: duckdb.DuckDBPyConnection, activity_id: int, values: dict) -> None:
    old = _row(con, activity_id)
    params = {name: values.get(name, old[name]) for name in ANNOTATIONS}
    con.execute(sqlfiles.load(SQL, "update_fields.sql"), {**params, "activity_id": activity_id})


def insert_new(
    con: duckdb.DuckDBPyConnection,
    new: list[tuple[Activity, str | None, str | None]],
    athlete_id: int,
    pending: PendingSamples,
) -> dict[int, int]:
    """Insert, in one statement, those of many (activity, source file, file hash) that are
    no copy of one stored nor of one before them; the caller owns the transaction.

    Returns their ids by position in `new`. The rest (and every linked activity) are for
    `store`, one at a time, after these: a batch of a history's files costs a query and an
    insert, not two queries per file.
    """
    unlinked = [i for i, (activity, _, _) in enumerate(new) if activity.link is None]
    if not unlinked:
        return {}
    candidates = [_candidate(new[i][0], new[i][2]) for i in unlinked]
    copies = {unlinked[position] for position, _, _ in _matches(con, candidates, athlete_id)}
    fresh = [i for i in unlinked if i not in copies]
    ids = dict(zip(fresh, _next_ids(con, len(fresh)), strict=True))
    _insert_rows(con, [_row_of(*new[i], athlete_id, ids[i]) for i in fresh])
    for i in fresh:
        pending.add(ids[i], new[i][0].samples, new[i][0].laps)
    return ids


def _insert(
    con: duckdb.DuckDBPyConnection,
    a: Activity,
    athlete_id: int,
    source_file: str | None,
    file_sha256: str | None,
    *,
    activity_id: int | None = None,
    pending: PendingSamples | None = None,
) -> int:
    if activity_id is None:
        (activity_id,) = _next_ids(con, 1)
    _insert_rows(con, [_row_of(a, source_file, file_sha256, athlete_id, activity_id)])
    rows = pending if pending is not None else PendingSamples()
    rows.add(activity_id, a.samples, a.laps)
    if pending is None:
        rows.flush(con)
    return activity_id


def _next_ids(con: duckdb.DuckDBPyConnection, count: int) -> list[int]:
    if count == 0:
        return []
    rows = con.execute(sqlfiles.load(SQL, "next_activity_ids.sql"), {"count": count}).fetchall()
    return [activity_id for (activity_id,) in rows]


ACTIVITY_ROW = {
    "activity_id": pl.Int64,
    "athlete_id": pl.Int64,
    "source": pl.String,
    "source_id": pl.String,
    "source_file": pl.String,
    "file_sha256": pl.String,
    "name": pl.String,
    "sport": pl.String,
    "sub_sport": pl.String,
    "surface": pl.String,
    "start_time_utc": pl.Datetime("us"),
    "utc_offset_min": pl.Int32,
    "offset_source": pl.String,
    "timezone": pl.String,
    "moving_time_s": pl.Float64,
    "elapsed_time_s": pl.Float64,
    "distance_m": pl.Float64,
    "ascent_m": pl.Float64,
    "descent_m": pl.Float64,
    "avg_cadence_spm": pl.Float64,
    "avg_hr": pl.Float64,
    "max_hr": pl.Float64,
    "totals_source": pl.String,
    "device": pl.String,
    "start_lat": pl.Float64,
    "start_lon": pl.Float64,
    "partial": pl.Boolean,
    "samples": pl.Int64,
    "gear_id": pl.String,
    "trainer": pl.Boolean,
    "description": pl.String,
    "private_note": pl.String,
    "fit_notes": pl.String,
}
"""An activity's row in core.activities, as `insert_activities.sql` reads it."""


def _row_of(
    a: Activity,
    source_file: str | None,
    file_sha256: str | None,
    athlete_id: int,
    activity_id: int,
) -> dict:
    values = {
        "activity_id": activity_id,
        "athlete_id": athlete_id,
        "source_file": source_file,
        "file_sha256": file_sha256,
        "samples": a.samples.height,
    }
    return {name: values[name] if name in values else getattr(a, name) for name in ACTIVITY_ROW}


def _insert_rows(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    if not rows:
        return
    con.register("new_activities", pl.DataFrame(rows, schema=ACTIVITY_ROW, orient="row"))
    try:
        con.execute(sqlfiles.load(SQL, "insert_activities.sql"))
    finally:
        unregister(con, "new_activities")
