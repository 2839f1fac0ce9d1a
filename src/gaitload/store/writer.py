"""The single writer: one parsed file in one transaction, so a crash leaves all or nothing.

The file's hash goes in with its activities: a re-run after a crash redoes exactly the
files that did not commit. The same session arriving again (another copy, a re-sync, a
complete file after a truncated one) is recognised by athlete, sport and start time.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import duckdb

from gaitload import sqlfiles
from gaitload.config import AthleteSettings
from gaitload.sources.model import Activity, ParsedFile

SQL = "gaitload.store.sql"


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


def known_file(con: duckdb.DuckDBPyConnection, sha256: str) -> tuple[str, str | None] | None:
    """(status, first file name) of a file already decided on, by content."""
    rows = con.execute(
        "SELECT status, file_name FROM core.source_files WHERE sha256 = ?", [sha256]
    ).fetchall()
    return rows[0] if rows else None


def save(
    con: duckdb.DuckDBPyConnection, parsed: ParsedFile, athlete_id: int, run_id: str
) -> FileOutcome:
    outcome = FileOutcome(
        path=str(parsed.path),
        status=parsed.status,
        reason=parsed.reason,
        records=parsed.records,
        sha256=parsed.sha256,
    )
    con.execute("BEGIN")
    try:
        if parsed.status == "activity":
            for activity in parsed.activities:
                _save_activity(con, parsed, activity, athlete_id, outcome)
            outcome.status = _file_status(parsed, outcome)
        if outcome.status != "rejected":  # rejected files are tried again next time
            _execute(
                con,
                "remember_file.sql",
                sha256=parsed.sha256,
                athlete_id=athlete_id,
                file_name=parsed.path.name,
                status=outcome.status,
                reason=outcome.reason,
            )
        log(con, run_id, athlete_id, outcome, decoder=parsed.decoder)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return outcome


def log(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    athlete_id: int | None,
    outcome: FileOutcome,
    *,
    source: str = "fit",
    decoder: str | None = None,
) -> None:
    _execute(
        con,
        "log_ingest.sql",
        run_id=run_id,
        athlete_id=athlete_id,
        source=source,
        path=outcome.path,
        sha256=outcome.sha256,
        status=outcome.status,
        reason=outcome.reason,
        activities=len(outcome.activity_ids),
        records=outcome.records,
        decoder=decoder,
    )


def _save_activity(
    con: duckdb.DuckDBPyConnection,
    parsed: ParsedFile,
    activity: Activity,
    athlete_id: int,
    outcome: FileOutcome,
) -> None:
    (same,) = con.execute(
        sqlfiles.load(SQL, "same_activity.sql"),
        {
            "athlete_id": athlete_id,
            "sport": activity.sport,
            "start_time_utc": activity.start_time_utc,
            "file_sha256": parsed.sha256,
        },
    ).fetchall() or [None]
    if same:
        existing_id, existing_partial, existing_samples, existing_file = same
        if not _fuller(activity, existing_partial, existing_samples):
            outcome.reason = outcome.reason or f"same activity as #{existing_id} ({existing_file})"
            return
        outcome.reason = outcome.reason or f"replaces #{existing_id} ({existing_file}), less full"
        for statement in sqlfiles.statements(SQL, "delete_activity.sql"):
            con.execute(statement, {"activity_id": existing_id})
        outcome.replaced.append(existing_id)
    activity_id = _insert(con, parsed, activity, athlete_id)
    outcome.activity_ids.append(activity_id)


def _fuller(new: Activity, existing_partial: bool, existing_samples: int) -> bool:
    """The same session twice: keep the fuller recording, whatever order files arrive in."""
    if new.partial != existing_partial:
        return existing_partial
    return new.samples.height > existing_samples


def _insert(
    con: duckdb.DuckDBPyConnection, parsed: ParsedFile, a: Activity, athlete_id: int
) -> int:
    columns = {f.name: getattr(a, f.name) for f in fields(a) if f.name not in ("samples", "laps")}
    ((activity_id,),) = _execute(
        con,
        "insert_activity.sql",
        **columns,
        athlete_id=athlete_id,
        source_file=parsed.path.name,
        file_sha256=parsed.sha256,
        samples=a.samples.height,
    ).fetchall()
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


def _file_status(parsed: ParsedFile, outcome: FileOutcome) -> str:
    if not outcome.activity_ids:
        return "duplicate"
    return "partial" if any(a.partial for a in parsed.activities) else "imported"


def _execute(con: duckdb.DuckDBPyConnection, sql_file: str, /, **params: object):
    return con.execute(sqlfiles.load(SQL, sql_file), params)
