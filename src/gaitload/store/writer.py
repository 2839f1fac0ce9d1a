"""The single writer: parsed files in transactions, so a crash leaves each file all or nothing.

A file's hash goes in with its activities: a re-run after a crash redoes exactly the files
that did not commit. An import writes many files to a transaction (`Batch`): a commit costs
about as much as writing a file, and samples go in by the hundred thousand. The same session
arriving again (another copy, a re-sync, a complete file after a truncated one) is
recognised by athlete, sport and start time.
"""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import duckdb
import polars as pl

from gaitload import sqlfiles
from gaitload.config import AthleteSettings
from gaitload.errors import disk_full
from gaitload.sources.model import Activity, ParsedFile
from gaitload.store import activities, db

SQL = "gaitload.store.sql"
BATCH_FILES = 200
BATCH_SECONDS = 2.0
BATCH_RECORDS = 500_000
"""A batch commits at whichever comes first: what a crash may cost, and the samples held."""


@dataclass
class FileOutcome:
    path: str
    status: str
    """imported, partial, duplicate, skipped or rejected."""
    reason: str | None = None
    activity_ids: list[int] = field(default_factory=list)
    replaced: list[int] = field(default_factory=list)
    records: int = 0
    sha256: str | None = None


def ensure_athlete(
    con: duckdb.DuckDBPyConnection, athlete: AthleteSettings, default_timezone: str
) -> tuple[int, str]:
    """The athlete's id and zone, created on first sight with the configured (or machine) zone.

    A changed heart-rate setting makes the stored TRIMP stale: those rows are recomputed.
    """
    rows = con.execute(
        "SELECT athlete_id, hr_rest, hr_max FROM core.athletes WHERE name = ?", [athlete.name]
    ).fetchall()
    if not rows:
        ((athlete_id, timezone),) = _execute(
            con,
            "athlete_insert.sql",
            name=athlete.name,
            timezone=athlete.timezone or default_timezone,
            hr_rest=athlete.hr_rest,
            hr_max=athlete.hr_max,
        ).fetchall()
        return athlete_id, timezone
    ((athlete_id, hr_rest, hr_max),) = rows
    _execute(
        con,
        "athlete_update.sql",
        athlete_id=athlete_id,
        timezone=athlete.timezone,
        hr_rest=athlete.hr_rest,
        hr_max=athlete.hr_max,
    )
    if (athlete.hr_rest or hr_rest, athlete.hr_max or hr_max) != (hr_rest, hr_max):
        _execute(con, "stale_trimp.sql", athlete_id=athlete_id)
    ((timezone,),) = con.execute(
        "SELECT timezone FROM core.athletes WHERE athlete_id = ?", [athlete_id]
    ).fetchall()
    return athlete_id, timezone


def known_files(
    con: duckdb.DuckDBPyConnection, hashes: list[str]
) -> dict[str, tuple[str, str | None]]:
    """(status, first file name) of the files already decided on, by content: one query for
    a whole import, however many files it brings."""
    if not hashes:
        return {}
    rows = _execute(con, "known_files.sql", hashes=hashes).fetchall()
    return {sha256: (status, file_name) for sha256, status, file_name in rows}


def save(
    con: duckdb.DuckDBPyConnection,
    parsed: ParsedFile,
    athlete_id: int,
    run_id: str,
    *,
    source: str = "fit",
) -> FileOutcome:
    """One file in its own transaction."""
    with db.transaction(con):
        outcome = _save_file(con, parsed, athlete_id)
        if outcome.status != "rejected":  # rejected files are tried again next time
            _execute(con, "remember_file.sql", **_remembered(parsed, outcome, athlete_id))
        log(con, run_id, athlete_id, outcome, source=source, decoder=parsed.decoder)
    return outcome


class Batch:
    """Files saved many to a transaction, committed every `BATCH_FILES` files,
    `BATCH_SECONDS` seconds or `BATCH_RECORDS` records, whichever comes first.

    A full batch is written on a thread of its own while the next one fills: DuckDB works
    without the GIL, so the parse workers and the writer keep both cores busy instead of
    taking turns. One batch is written at a time, and at most two are held in memory.

    A crash loses at most the batch in flight, and a re-run redoes it (hashes commit with
    their activities). A file whose write fails does not sink the others: the batch is
    rolled back and its files redone one per transaction, where the bad one gets its line.
    Use it as a context manager: leaving waits for the batch being written.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, athlete_id: int, run_id: str) -> None:
        self.con, self.athlete_id, self.run_id = con, athlete_id, run_id
        self._files: list[tuple[ParsedFile, str]] = []
        self._records = 0
        self._started = 0.0
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="gaitload-writer")
        self._writing: Future[list[FileOutcome]] | None = None

    def __enter__(self) -> Batch:
        # DuckDB's own threads would take cores from the parse workers: on one thread an
        # insert costs about a quarter less CPU, and the workers keep the other core
        self.con.execute("SET threads = 1")
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self._writing is not None:
                self._writing.exception()  # written or not, the connection is free again
        finally:
            self._thread.shutdown()
            self.con.execute("RESET threads")

    def add(self, parsed: ParsedFile, source: str) -> list[FileOutcome]:
        """The outcomes of the files committed since the last call (none while filling)."""
        if not self._files:
            self._started = time.monotonic()
        self._files.append((parsed, source))
        self._records += parsed.records
        full = len(self._files) >= BATCH_FILES or self._records >= BATCH_RECORDS
        if full or time.monotonic() - self._started >= BATCH_SECONDS:
            written = self._written()
            self._writing = self._thread.submit(self._save, self._take())
            return written
        return []

    def commit(self) -> list[FileOutcome]:
        """Write what is left and wait: the outcomes of every file not returned yet."""
        return self._written() + self._save(self._take())

    def _take(self) -> list[tuple[ParsedFile, str]]:
        files, self._files, self._records = self._files, [], 0
        return files

    def _written(self) -> list[FileOutcome]:
        """The outcomes of the batch being written, once it is (its error, if it failed)."""
        writing, self._writing = self._writing, None
        return writing.result() if writing is not None else []

    def _save(self, files: list[tuple[ParsedFile, str]]) -> list[FileOutcome]:
        if not files:
            return []
        try:
            return self._write(files)
        except Exception as exc:
            if disk_full(exc) is not None:
                raise
        return [self._alone(parsed, source) for parsed, source in files]

    def _write(self, files: list[tuple[ParsedFile, str]]) -> list[FileOutcome]:
        con, athlete_id = self.con, self.athlete_id
        with db.transaction(con):
            pending = activities.PendingSamples()
            new = [
                (activity, parsed.path.name, parsed.sha256)
                for parsed, _ in files
                if parsed.status == "activity"
                for activity in parsed.activities
            ]
            inserted = activities.insert_new(con, new, athlete_id, pending)
            done = {id(new[i][0]): activity_id for i, activity_id in inserted.items()}
            outcomes = [_save_file(con, parsed, athlete_id, pending, done) for parsed, _ in files]
            pending.flush(con)
            remembered = [
                _remembered(parsed, outcome, athlete_id)
                for (parsed, _), outcome in zip(files, outcomes, strict=True)
                if outcome.status != "rejected"
            ]
            logged = [
                _logged(self.run_id, athlete_id, outcome, source, parsed.decoder)
                for (parsed, source), outcome in zip(files, outcomes, strict=True)
            ]
            _insert_rows(con, "remember_files.sql", "new_files", remembered, REMEMBERED)
            _insert_rows(con, "log_ingest_rows.sql", "new_log", logged, LOGGED)
        return outcomes

    def _alone(self, parsed: ParsedFile, source: str) -> FileOutcome:
        try:
            return save(self.con, parsed, self.athlete_id, self.run_id, source=source)
        except Exception as exc:
            if disk_full(exc) is not None:
                raise
            why = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            outcome = FileOutcome(
                path=str(parsed.path),
                status="rejected",
                reason=f"could not be stored: {type(exc).__name__}: {why}",
                records=parsed.records,
                sha256=parsed.sha256,
            )
            log(self.con, self.run_id, self.athlete_id, outcome, source=source)
            return outcome


REMEMBERED = {
    "sha256": pl.String,
    "athlete_id": pl.Int64,
    "file_name": pl.String,
    "status": pl.String,
    "reason": pl.String,
}
LOGGED = {
    "run_id": pl.String,
    "athlete_id": pl.Int64,
    "source": pl.String,
    "path": pl.String,
    "sha256": pl.String,
    "status": pl.String,
    "reason": pl.String,
    "activities": pl.Int64,
    "records": pl.Int64,
    "decoder": pl.String,
}


def _save_file(
    con: duckdb.DuckDBPyConnection,
    parsed: ParsedFile,
    athlete_id: int,
    pending: activities.PendingSamples | None = None,
    inserted: dict[int, int] | None = None,
) -> FileOutcome:
    """`inserted`: ids of this batch's activities already inserted, by `id()` of the
    activity (new ones, in bulk); the others are matched against the store one by one."""
    outcome = FileOutcome(
        path=str(parsed.path),
        status=parsed.status,
        reason=parsed.reason,
        records=parsed.records,
        sha256=parsed.sha256,
    )
    if parsed.status == "activity":
        for activity in parsed.activities:
            if inserted and id(activity) in inserted:
                outcome.activity_ids.append(inserted[id(activity)])
                continue
            _save_activity(con, parsed, activity, athlete_id, outcome, pending)
        outcome.status = _file_status(parsed, outcome)
    return outcome


def _remembered(parsed: ParsedFile, outcome: FileOutcome, athlete_id: int) -> dict:
    return {
        "sha256": parsed.sha256,
        "athlete_id": athlete_id,
        "file_name": parsed.path.name,
        "status": outcome.status,
        "reason": outcome.reason,
    }


def _logged(
    run_id: str, athlete_id: int | None, outcome: FileOutcome, source: str, decoder: str | None
) -> dict:
    return {
        "run_id": run_id,
        "athlete_id": athlete_id,
        "source": source,
        "path": outcome.path,
        "sha256": outcome.sha256,
        "status": outcome.status,
        "reason": outcome.reason,
        "activities": len(outcome.activity_ids),
        "records": outcome.records,
        "decoder": decoder,
    }


def _insert_rows(
    con: duckdb.DuckDBPyConnection, sql_file: str, name: str, rows: list[dict], schema: dict
) -> None:
    """Many rows in one statement, from a frame the SQL reads as `name` (with `position`)."""
    if not rows:
        return
    con.register(name, pl.DataFrame(rows, schema=schema, orient="row").with_row_index("position"))
    try:
        con.execute(sqlfiles.load(SQL, sql_file))
    finally:
        activities.unregister(con, name)


def log(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    athlete_id: int | None,
    outcome: FileOutcome,
    *,
    source: str = "fit",
    decoder: str | None = None,
) -> None:
    _execute(con, "log_ingest.sql", **_logged(run_id, athlete_id, outcome, source, decoder))


def _save_activity(
    con: duckdb.DuckDBPyConnection,
    parsed: ParsedFile,
    activity: Activity,
    athlete_id: int,
    outcome: FileOutcome,
    pending: activities.PendingSamples | None,
) -> None:
    stored = activities.store(
        con,
        activity,
        athlete_id,
        source_file=parsed.path.name,
        file_sha256=parsed.sha256,
        pending=pending,
    )
    if stored.action == "kept":
        same = f"same activity as #{stored.activity_id} ({stored.other})"
        outcome.reason = outcome.reason or same
        return
    if stored.action in ("replaced", "updated"):
        outcome.reason = outcome.reason or (
            f"replaces #{stored.activity_id} ({stored.other}), less full"
            if stored.action == "replaced"
            else f"updates #{stored.activity_id} ({stored.other})"
        )
        outcome.replaced.append(stored.activity_id)
    outcome.activity_ids.append(stored.activity_id)


def _file_status(parsed: ParsedFile, outcome: FileOutcome) -> str:
    if not outcome.activity_ids:
        return "duplicate"
    return "partial" if any(a.partial for a in parsed.activities) else "imported"


def _execute(con: duckdb.DuckDBPyConnection, sql_file: str, /, **params: object):
    return con.execute(sqlfiles.load(SQL, sql_file), params)


def save_gear(
    con: duckdb.DuckDBPyConnection,
    athlete_id: int,
    gear_id: str,
    kind: str,
    name: str,
    distance_m: float | None = None,
    retired: bool = False,
) -> None:
    _execute(
        con,
        "upsert_gear.sql",
        gear_id=gear_id,
        athlete_id=athlete_id,
        kind=kind,
        name=name,
        distance_m=distance_m,
        retired=retired,
    )
