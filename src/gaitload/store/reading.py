"""Reading without getting in the writer's way.

DuckDB allows one writing process, and while it writes no other process can even open the
file. So every run of write sessions ends by publishing a snapshot: a copy of the closed
database file beside it, swapped in atomically. Readers (`gaitload sql`, the dashboard, `export`)
open the live file read-only for one query when it is free — the freshest data, and a
writer waits at most that one query — and fall back to the snapshot while a writer holds
it, saying so. They never wait on the writer, and the writer never waits on them for longer
than a query.

Every reader — `gaitload sql`, the dashboard, the notebook helper, `export` — is opened by
`store.db.connect_reader`, which DuckDB itself keeps read-only (see there). The snapshot is
written by `store.snapshot`, at the end of a run (`store.db.publishing`) or of a write
session outside one, and only when the database changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from gaitload.errors import DatabaseLockedError, GaitloadError
from gaitload.store import db
from gaitload.store.db import connect_reader
from gaitload.store.snapshot import snapshot_path


@dataclass
class Reading:
    con: duckdb.DuckDBPyConnection
    source: str
    """live, or snapshot (the database as the last run or write session left it)."""
    note: str | None = None


@contextmanager
def reading(db_path: Path, *, export_to: Path | None = None) -> Iterator[Reading]:
    """A read-only connection for one question: the live file if free, else the snapshot."""
    try:
        con = db.connect(db_path, read_only=True, wait_s=0, export_to=export_to)
        reading_ = Reading(con, "live")
    except DatabaseLockedError as locked:
        snapshot = snapshot_path(db_path)
        if not snapshot.exists():
            raise DatabaseLockedError(
                f"{locked} — and there is no snapshot yet to read instead"
            ) from locked
        taken = datetime.fromtimestamp(snapshot.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        con = _open_snapshot(snapshot, export_to)
        reading_ = Reading(
            con, "snapshot", f"the database is being written; showing the snapshot of {taken}"
        )
    try:
        yield reading_
    finally:
        reading_.con.close()


def _open_snapshot(path: Path, export_to: Path | None) -> duckdb.DuckDBPyConnection:
    try:
        return connect_reader(path, export_to=export_to)
    except duckdb.Error as exc:
        raise GaitloadError(f"cannot read the snapshot {path}: {exc}") from exc
