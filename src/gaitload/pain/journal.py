"""The pain journal: entries the runner adds, and entries read from activity notes.

Journal entries (`gaitload pain add`) are the runner's own and only change when the runner
changes them. Entries from notes are derived: every import and sync re-reads the notes of
the athlete's activities, so a corrected or deleted note corrects or removes its entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import duckdb
import polars as pl

from gaitload import sqlfiles
from gaitload.config import Settings
from gaitload.errors import GaitloadError
from gaitload.pain import places
from gaitload.pain.notes import read_note
from gaitload.read import query
from gaitload.store import db, writer
from gaitload.store.reading import reading

SQL = "gaitload.pain.sql"
NOTE_FIELDS = {
    "description": "strava_description",
    "private_note": "strava_private_note",
    "fit_notes": "fit_notes",
}
"""Activity column → the entry's `source`."""
ENTRY_COLUMNS = (
    "athlete_id",
    "day",
    "location",
    "side",
    "bone",
    "score",
    "note",
    "source",
    "activity_id",
)
PROBLEM_COLUMNS = ("athlete_id", "activity_id", "field", "line", "problem")


@dataclass(frozen=True)
class Recorded:
    entry_id: int
    athlete: str
    day: date
    location: str
    hint: str | None


def add_pain(
    settings: Settings,
    *,
    where: str,
    score: int,
    athlete: str | None = None,
    day: date | None = None,
    side: str | None = None,
    bone: bool = False,
    note: str | None = None,
) -> Recorded:
    """Record pain on a day (default: the athlete's today); the same place and day again
    replaces the earlier entry, so a correction never leaves two."""
    try:
        location = places.place(where)
    except ValueError as error:
        raise GaitloadError(str(error)) from None
    if side is not None and side not in places.SIDES:
        raise GaitloadError(f"side must be left or right, not {side!r}")
    if not 0 <= score <= 10:
        raise GaitloadError(f"score must be 0 (gone) to 10, not {score}")
    athlete_settings = settings.athlete(athlete)
    day = day or datetime.now(ZoneInfo(settings.timezone_of(athlete))).date()
    with db.opened(settings.db_path, wait_s=settings.lock_wait_s) as con:
        athlete_id, _ = writer.ensure_athlete(con, athlete_settings, settings.default_timezone)
        place_ = {"athlete_id": athlete_id, "day": day, "location": location, "side": side}
        with db.transaction(con):
            con.execute(sqlfiles.load(SQL, "delete_journal.sql"), place_)
            ((entry_id,),) = con.execute(
                sqlfiles.load(SQL, "insert_journal.sql"),
                {**place_, "bone": bone, "score": score, "note": note},
            ).fetchall()
    return Recorded(entry_id, athlete_settings.name, day, location, places.HINTS.get(location))


def remove_pain(settings: Settings, entry_id: int) -> bool:
    """Remove a journal entry (entries read from notes go when the note changes)."""
    with db.opened(settings.db_path, wait_s=settings.lock_wait_s) as con:
        rows = con.execute(
            "SELECT source FROM core.pain_entries WHERE entry_id = ?", [entry_id]
        ).fetchall()
        if not rows:
            return False
        if rows[0][0] != "journal":
            raise GaitloadError(
                f"entry {entry_id} was read from an activity note ({rows[0][0]}): "
                "edit the note instead"
            )
        con.execute("DELETE FROM core.pain_entries WHERE entry_id = ?", [entry_id]).fetchall()
    return True


def pain_entries(
    settings: Settings, *, athlete: str | None = None, since: date | None = None
) -> tuple[list[tuple], list[str], list[tuple], list[str]]:
    """The entries, newest first, and the note lines that could not be read."""
    params = {"athlete": athlete, "since": since}
    with reading(settings.db_path) as r:
        entries = query.table(r.con, sqlfiles.load(SQL, "list_pain.sql"), **params)
        unread = query.table(r.con, sqlfiles.load(SQL, "list_unread.sql"), **params)
    return entries.rows, entries.columns, unread.rows, unread.columns


def read_notes(con: duckdb.DuckDBPyConnection, athlete_id: int) -> int:
    """Re-read every activity note of an athlete into pain entries; returns how many."""
    notes = con.execute(sqlfiles.load(SQL, "notes_to_read.sql"), {"athlete_id": athlete_id})
    entries, problems = [], []
    for activity_id, day, *texts in notes.fetchall():
        for (field, source), text in zip(NOTE_FIELDS.items(), texts, strict=True):
            found = read_note(text)
            entries += [
                (athlete_id, day, m.location, m.side, m.bone, m.score, m.note, source, activity_id)
                for m in found.marks
            ]
            problems += [(athlete_id, activity_id, field, u.line, u.problem) for u in found.unread]
    if _stored(con, athlete_id) == (_sorted(entries), _sorted(problems)):
        return len(entries)  # as stored: rewriting them would change the file for nothing
    with db.transaction(con):
        con.execute(
            "DELETE FROM core.pain_entries WHERE athlete_id = ? AND source <> 'journal'",
            [athlete_id],
        )
        con.execute("DELETE FROM core.pain_note_problems WHERE athlete_id = ?", [athlete_id])
        if entries:
            con.register("pain_rows", pl.DataFrame(entries, schema=ENTRY_COLUMNS, orient="row"))
            con.execute(
                f"INSERT INTO core.pain_entries ({', '.join(ENTRY_COLUMNS)}) FROM pain_rows"
            )
        if problems:
            con.register("pain_rows", pl.DataFrame(problems, schema=PROBLEM_COLUMNS, orient="row"))
            con.execute("INSERT INTO core.pain_note_problems BY NAME FROM pain_rows")
        con.unregister("pain_rows")
    return len(entries)


def _stored(con: duckdb.DuckDBPyConnection, athlete_id: int) -> tuple[list, list]:
    """The entries and problems read from the athlete's notes, as stored."""
    entries = con.execute(
        f"SELECT {', '.join(ENTRY_COLUMNS)} FROM core.pain_entries "
        "WHERE athlete_id = ? AND source <> 'journal'",
        [athlete_id],
    ).fetchall()
    problems = con.execute(
        f"SELECT {', '.join(PROBLEM_COLUMNS)} FROM core.pain_note_problems WHERE athlete_id = ?",
        [athlete_id],
    ).fetchall()
    return _sorted(entries), _sorted(problems)


def _sorted(rows: list[tuple]) -> list[tuple]:
    return sorted((tuple(r) for r in rows), key=repr)
