"""Where each source's sync stands for an athlete: one core.source_sync row per pair.

The state is written in the same transaction as the activity it moves past, so a sync
stopped anywhere resumes exactly there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from gaitload import sqlfiles
from gaitload.read import query

SQL = "gaitload.store.sql"


@dataclass
class SyncState:
    account_id: str | None = None
    """The athlete's account at the source (Strava's athlete id, as text)."""
    cursor: datetime | None = None
    """Start of the newest activity synced in order; the next sync lists after it."""
    backfill_done: bool = False
    activities_synced: int = 0


def load(con: duckdb.DuckDBPyConnection, source: str, athlete_id: int) -> SyncState:
    row = con.execute(
        sqlfiles.load(SQL, "sync_state.sql"), {"source": source, "athlete_id": athlete_id}
    ).fetchone()
    return SyncState(*row) if row else SyncState()


def save(
    con: duckdb.DuckDBPyConnection,
    source: str,
    athlete_id: int,
    *,
    account_id: str | None,
    cursor: datetime | None,
    synced: int = 0,
    backfill_done: bool = False,
    stop_reason: str | None = None,
) -> None:
    con.execute(
        sqlfiles.load(SQL, "save_sync_state.sql"),
        {
            "source": source,
            "athlete_id": athlete_id,
            "account_id": account_id,
            "cursor_start_utc": cursor,
            "backfill_done": backfill_done,
            "synced": synced,
            "stop_reason": stop_reason,
        },
    )


def mark_reconciled(con: duckdb.DuckDBPyConnection, source: str, athlete_id: int) -> None:
    """A complete listing was applied: deletions and late uploads are in."""
    con.execute(
        sqlfiles.load(SQL, "mark_reconciled.sql"), {"source": source, "athlete_id": athlete_id}
    )


def athletes_in_order(con: duckdb.DuckDBPyConnection, source: str) -> list[str]:
    """Athletes whose history at the source is complete first: they need few requests."""
    rows = con.execute(sqlfiles.load(SQL, "sync_order.sql"), {"source": source}).fetchall()
    return [r[0] for r in rows]


def linked(con: duckdb.DuckDBPyConnection, source: str, athlete_id: int) -> dict[str, dict]:
    """The athlete's stored activities the source knows, by external id."""
    sql = sqlfiles.load(SQL, "linked_activities.sql")
    found = query.table(con, sql, source=source, athlete_id=athlete_id)
    return {row[0]: dict(zip(found.columns, row, strict=True)) for row in found.rows}
