"""The single writer: one parsed file in one transaction, so a crash leaves all or nothing.

The file's hash goes in with its activities: a re-run after a crash redoes exactly the
files that did not commit. The same session arriving again (another copy, a re-sync, a
complete file after a truncated one) is recognised by athlete, sport and start time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from gaitload import sqlfiles
from gaitload.config import AthleteSettings
from gaitload.sources.model import Activity, ParsedFile
from gaitload.store import activities, db

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
    con: duckdb.DuckDBPyConnection,
    parsed: ParsedFile,
    athlete_id: int,
    run_id: str,
    *,
    source: str = "fit",
) -> FileOutcome:
    outcome = FileOutcome(
        path=str(parsed.path),
        status=parsed.status,
        reason=parsed.reason,
        records=parsed.records,
        sha256=parsed.sha256,
    )
    with db.transaction(con):
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
        log(con, run_id, athlete_id, outcome, source=source, decoder=parsed.decoder)
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
    stored = activities.store(
        con, activity, athlete_id, source_file=parsed.path.name, file_sha256=parsed.sha256
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
