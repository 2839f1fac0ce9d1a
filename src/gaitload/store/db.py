"""Opening the DuckDB file: versioned migrations, the stable views, and the one-writer rule.

DuckDB lets one process write a file; any other process that tries to open it then fails
at connect. Writers wait with a bounded retry and then name the holder; readers go through
`store.reading`, which never makes a writer wait longer than one query.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path

import duckdb

from gaitload import sqlfiles
from gaitload.errors import DatabaseLockedError, GaitloadError

MIGRATIONS = "gaitload.store.migrations"
VIEWS = (
    ("gaitload.store", "views.sql"),
    ("gaitload.metrics", "views.sql"),
    ("gaitload.rules", "views.sql"),
    ("gaitload.pain", "views.sql"),
)
"""The public views, in dependency order; recreated on every write-open."""


def connect(
    path: Path, *, read_only: bool = False, wait_s: float = 30.0, migrations: bool = True
) -> duckdb.DuckDBPyConnection:
    """Open the database, migrated and with current views; waits up to `wait_s` for a lock.

    `migrations=False` skips the schema check for a writer that reopens the file many times
    in one run (the Strava sync) after its first open migrated it.
    """
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.exists():
        raise GaitloadError(f"no database at {path}: import something first (gaitload import)")
    deadline = time.monotonic() + wait_s
    delay = 0.1
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise GaitloadError(f"cannot open {path}: {exc}") from exc
            if time.monotonic() >= deadline:
                raise DatabaseLockedError(
                    f"{path} is in use by another program ({_holder(exc)}) and stayed locked "
                    f"for {wait_s:.0f} s; close it (an open SQL session or dashboard) and retry"
                ) from exc
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
    if not read_only and migrations:
        migrate(con)
    return con


@contextmanager
def opened(
    path: Path,
    *,
    read_only: bool = False,
    wait_s: float = 30.0,
    publish: bool = True,
    migrations: bool = True,
) -> Iterator:
    """A connection for one session; a write session ends by publishing the readers' snapshot
    (unless `publish` is false: a caller writing in many short sessions publishes once at the
    end). `migrations=False` skips the schema check for those short sessions.

    Write sessions of one process (the nightly flow's athletes on a thread pool) take turns:
    DuckDB lets threads share a writer, but their schema and view statements would conflict.
    """
    if read_only:
        with _connection(path, read_only=True, wait_s=wait_s) as con:
            yield con
        return
    with _locks_guard:
        lock = _write_locks.setdefault(path.resolve(), threading.Lock())
    if not lock.acquire(timeout=wait_s):
        raise DatabaseLockedError(f"{path} stayed busy with another write in this process")
    try:
        with _connection(path, read_only=False, wait_s=wait_s, migrations=migrations) as con:
            yield con
        if publish:
            from gaitload.store.reading import publish_snapshot

            publish_snapshot(path)
    finally:
        lock.release()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: committed when the block ends, rolled back if it raises."""
    con.execute("BEGIN")
    try:
        yield con
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


@contextmanager
def _connection(path: Path, *, read_only: bool, wait_s: float, migrations: bool = True) -> Iterator:
    con = connect(path, read_only=read_only, wait_s=wait_s, migrations=migrations)
    try:
        yield con
    finally:
        con.close()


_write_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations not yet applied, each in its own transaction; then the views."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP DEFAULT now())"
    )
    done = {v for (v,) in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, name in pending(done):
        with transaction(con):
            for statement in sqlfiles.statements(MIGRATIONS, name):
                con.execute(statement)
            con.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name]
            )
        applied.append(version)
    for package, name in VIEWS:
        for statement in sqlfiles.statements(package, name):
            con.execute(statement)
    return applied


def pending(done: set[int]) -> list[tuple[int, str]]:
    names = sorted(p.name for p in files(MIGRATIONS).iterdir() if p.name.endswith(".sql"))
    versions = [(int(re.match(r"(\d+)_", n).group(1)), n) for n in names]
    return [(v, n) for v, n in versions if v not in done]


def _holder(exc: Exception) -> str:
    match = re.search(r"\(PID (\d+)\)", str(exc))
    if not match:
        return "another process"
    pid = match.group(1)
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        cmd = ""
    return f"PID {pid}: {cmd}" if cmd else f"PID {pid}"
