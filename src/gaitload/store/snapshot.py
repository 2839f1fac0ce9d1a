"""The readers' snapshot: a copy of the closed database beside it, swapped in atomically.

Readers fall back to it while a writer holds the live file (`store.reading`). Copying a
database of hundreds of MB costs seconds, so it is copied as rarely as the readers need:

- once per run: a run (the nightly flow, `gaitload import`, the demo) opens many write
  sessions; inside `store.db.publishing(db)` they leave the snapshot alone and the run's end
  publishes once. A write session outside any run publishes when it ends (`store.db.opened`).
- never for a database the snapshot already holds: the copy keeps the database's size,
  modification time and DuckDB headers (every checkpoint rewrites one of the two with a
  new iteration count), so publishing an unchanged database is a no-op.
"""

from __future__ import annotations

import glob
import os
import shutil
from pathlib import Path

import duckdb

HEADERS = 3 * 4096
"""DuckDB's main header and its two database headers, which checkpoints write in turn."""


def snapshot_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".snapshot")


def publish_snapshot(db_path: Path) -> bool:
    """Copy the closed database beside itself, unless the snapshot already holds it; readers
    switch to the new copy in one rename. Returns whether it copied.

    The copy is taken under DuckDB's shared lock (a read-only connection), so no other
    process writes while it is read; if one holds the file, or a write-ahead log holds
    changes the file lacks (a writer killed before its checkpoint), the last snapshot stays:
    the next write session checkpoints and publishes.
    """
    if not db_path.exists():
        return False
    try:
        lock = _shared_lock(db_path)
    except duckdb.Error:
        return False  # a writer holds it (and publishes when it ends), or it is no database
    try:
        if _wal(db_path) or published(db_path):
            return False
        _copy(db_path)
        return True
    finally:
        lock.close()


def published(db_path: Path) -> bool:
    """Whether the snapshot is a copy of the database as it is now."""
    snapshot = snapshot_path(db_path)
    try:
        live, copy = db_path.stat(), snapshot.stat()
    except FileNotFoundError:
        return False
    if (live.st_size, live.st_mtime_ns) != (copy.st_size, copy.st_mtime_ns):
        return False
    return _headers(db_path) == _headers(snapshot)


def _copy(db_path: Path) -> None:
    partial = db_path.with_name(f".{db_path.name}.snapshot.{os.getpid()}")
    try:
        before = db_path.stat()
        shutil.copyfile(db_path, partial)
        # the database's own time: how `published` knows it, and what readers are shown
        os.utime(partial, ns=(before.st_atime_ns, before.st_mtime_ns))
        os.replace(partial, snapshot_path(db_path))
    finally:  # a full disk mid-copy leaves no half snapshot behind (the old one stays)
        partial.unlink(missing_ok=True)
    _remove_stale_partials(db_path)


def _remove_stale_partials(db_path: Path) -> None:
    """Half copies left by a publisher killed mid-copy (its process is gone)."""
    for partial in db_path.parent.glob(glob.escape(f".{db_path.name}.snapshot.") + "*"):
        pid = partial.name.rsplit(".", 1)[1]
        if pid.isdigit() and not _alive(int(pid)):
            partial.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _shared_lock(db_path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection, held for its lock alone: no query runs on it."""
    return duckdb.connect(str(db_path), read_only=True)


def _wal(db_path: Path) -> bool:
    wal = db_path.with_name(db_path.name + ".wal")
    return wal.exists() and wal.stat().st_size > 0


def _headers(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(HEADERS)
