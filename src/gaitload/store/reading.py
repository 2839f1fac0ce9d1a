"""Reading without getting in the writer's way.

DuckDB allows one writing process, and while it writes no other process can even open the
file. So every write session ends by publishing a snapshot: a copy of the closed database
file beside it, swapped in atomically. Readers (`gaitload sql`, the dashboard, `export`)
open the live file read-only for one query when it is free — the freshest data, and a
writer waits at most that one query — and fall back to the snapshot while a writer holds
it, saying so. They never wait on the writer, and the writer never waits on them for longer
than a query.

Every reader — `gaitload sql`, the dashboard, the notebook helper, `export` — is opened by
`connect_reader`, and DuckDB itself keeps it read-only: the file opened read-only, no other
file reachable (no ATTACH, COPY, EXPORT, read_csv, INSTALL: `enable_external_access` off),
no extension installed or loaded behind the user's back, no spilling to a temp folder, and
the configuration locked so that no SET can undo any of it. Reading other files through
gaitload is not offered: the SQL answers from the database alone.
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


READER_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "temp_directory": "",
    "lock_configuration": True,
}
"""What DuckDB enforces on every reader; `lock_configuration` last, so no SET undoes it."""


def connect_reader(path: Path, *, export_to: Path | None = None) -> duckdb.DuckDBPyConnection:
    """The one way gaitload opens DuckDB to read. `export_to` (for `export` alone, which runs
    only gaitload's own statements) is the one folder it may also write into."""
    if export_to is None:
        return duckdb.connect(str(path), read_only=True, config=READER_CONFIG)
    unlocked = {k: v for k, v in READER_CONFIG.items() if k not in _SET_AFTER_START}
    con = duckdb.connect(str(path), read_only=True, config=unlocked)
    try:
        folder = str(export_to.resolve()).rstrip("/") + "/"
        con.execute(f"SET allowed_directories = [{_literal(folder)}]")
        for name in _SET_AFTER_START:  # allowed_directories can only be set once started
            con.execute(f"SET {name} = {str(READER_CONFIG[name]).lower()}")
    except BaseException:
        con.close()
        raise
    return con


_SET_AFTER_START = ("enable_external_access", "lock_configuration")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


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
