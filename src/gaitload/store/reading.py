"""Reading without getting in the writer's way.

DuckDB allows one writing process, and while it writes no other process can even open the
file. So every write session ends by publishing a snapshot: a copy of the closed database
file beside it, swapped in atomically. Readers (`gaitload sql`, the dashboard, `export`)
open the live file read-only for one query when it is free — the freshest data, and a
writer waits at most that one query — and fall back to the snapshot while a writer holds
it, saying so. They never wait on the writer, and the writer never waits on them for longer
than a query.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from gaitload.errors import DatabaseLockedError, GaitloadError
from gaitload.store import db


@dataclass
class Reading:
    con: duckdb.DuckDBPyConnection
    source: str
    """live, or snapshot (the database as the last write session left it)."""
    note: str | None = None


def snapshot_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".snapshot")


def publish_snapshot(db_path: Path) -> None:
    """Copy the closed database beside itself; readers switch to it in one rename."""
    if not db_path.exists():
        return
    partial = db_path.with_name(f".{db_path.name}.snapshot.{os.getpid()}")
    shutil.copyfile(db_path, partial)
    os.replace(partial, snapshot_path(db_path))


@contextmanager
def reading(db_path: Path) -> Iterator[Reading]:
    """A read-only connection for one question: the live file if free, else the snapshot."""
    try:
        con = db.connect(db_path, read_only=True, wait_s=0)
        reading_ = Reading(con, "live")
    except DatabaseLockedError as locked:
        snapshot = snapshot_path(db_path)
        if not snapshot.exists():
            raise DatabaseLockedError(
                f"{locked} — and there is no snapshot yet to read instead"
            ) from locked
        taken = datetime.fromtimestamp(snapshot.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        con = _open_snapshot(snapshot)
        reading_ = Reading(
            con, "snapshot", f"the database is being written; showing the snapshot of {taken}"
        )
    try:
        yield reading_
    finally:
        reading_.con.close()


def _open_snapshot(path: Path) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise GaitloadError(f"cannot read the snapshot {path}: {exc}") from exc
