"""Opening the DuckDB file: versioned migrations, the stable views, and the one-writer rule.

DuckDB lets one process write a file; any other process that tries to open it then fails
at connect. Writers wait with a bounded retry and then name the holder; readers go through
`store.reading`, which never makes a writer wait longer than one query.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import duckdb

from gaitload import sqlfiles
from gaitload.errors import DatabaseLockedError, GaitloadError, TerminalError, disk_full
from gaitload.store import snapshot

MIGRATIONS = "gaitload.store.migrations"
VIEWS = (
    ("gaitload.store", "views.sql"),
    ("gaitload.metrics", "views.sql"),
    ("gaitload.rules", "views.sql"),
    ("gaitload.pain", "views.sql"),
)
"""The public views, in dependency order; brought up to date on every write-open."""


def connect(
    path: Path,
    *,
    read_only: bool = False,
    wait_s: float = 30.0,
    migrations: bool = True,
    export_to: Path | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the database, migrated and with current views; waits up to `wait_s` for a lock.

    `migrations=False` skips the schema check for a writer that reopens the file many times
    in one run (the Strava sync) after its first open migrated it. A read-only open is
    `connect_reader` (locked by DuckDB; `export_to` as there).
    """
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.exists():
        raise GaitloadError(f"no database at {path}: import something first (gaitload import)")
    deadline = time.monotonic() + wait_s
    delay = 0.1
    while True:
        try:
            con = _open(path, read_only, export_to)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise TerminalError(f"cannot open {path}: {exc}") from exc
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


def _open(path: Path, read_only: bool, export_to: Path | None) -> duckdb.DuckDBPyConnection:
    if not read_only:
        return duckdb.connect(str(path))
    return connect_reader(path, export_to=export_to)


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
    only gaitload's own statements) is the one folder it may also write into.

    DuckDB itself keeps every reader (`gaitload sql`, the dashboard, the notebook helper,
    `export`) read-only: the file opened read-only, no other file reachable (no ATTACH, COPY,
    EXPORT, read_csv, INSTALL: `enable_external_access` off), no extension installed or loaded
    behind the user's back, no spilling to a temp folder, and the configuration locked so that
    no SET can undo any of it. Reading other files through gaitload is not offered: the SQL
    answers from the database alone.
    """
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
def opened(
    path: Path,
    *,
    read_only: bool = False,
    wait_s: float = 30.0,
    publish: bool = True,
    migrations: bool = True,
) -> Iterator:
    """A connection for one session; a write session ends by publishing the readers' snapshot,
    unless a run on the database is going on (`publishing`: it publishes once, at its end)
    or `publish` is false (a caller that publishes itself). `migrations=False` skips the
    schema check for a caller writing in many short sessions.

    Write sessions of one process (the nightly flow's athletes on a thread pool) take turns:
    DuckDB lets threads share a writer, but their schema and view statements would conflict.
    """
    if read_only:
        with _connection(path, read_only=True, wait_s=wait_s) as con:
            yield con
        return
    with _turn(path, wait_s):
        try:
            with _connection(path, read_only=False, wait_s=wait_s, migrations=migrations) as con:
                publish = not _deferred(path) and publish
                yield con
                _checkpoint(con, path)
            if publish:
                snapshot.publish_snapshot(path)
        except (duckdb.Error, OSError) as exc:
            full = disk_full(exc, path)
            if full is None:
                raise
            raise full from exc


@dataclass
class _Run:
    depth: int = 0
    opened: bool = False


@contextmanager
def publishing(path: Path, *, wait_s: float = 30.0) -> Iterator[None]:
    """One run on the database, one copy of it for the readers, at the run's end.

    A run (the nightly flow, `gaitload import`, the demo) opens many write sessions; copying
    hundreds of MB after each costs seconds. Inside the block, write sessions in any thread
    of this process (the flow's athletes run on a thread pool) leave the snapshot alone; when
    it ends, the snapshot is published once (`snapshot.publish_snapshot`: not at all if it
    already holds the database) if any session opened the database: also when the block
    raised, since what did commit should be readable, but not when the database could not
    be opened at all, nor on Ctrl-C (the last snapshot stays; the next run publishes). Runs
    nest: the outermost publishes.
    """
    key = path.resolve()
    with _locks_guard:
        run = _runs.setdefault(key, _Run())
        run.depth += 1
    try:
        yield
    except Exception:
        if _leave(key, run):
            with suppress(Exception):  # the run's own error is the one worth reporting
                _publish(path, wait_s)
        raise
    except BaseException:
        _leave(key, run)
        raise
    if _leave(key, run):
        try:
            _publish(path, wait_s)
        except OSError as exc:
            full = disk_full(exc, path)
            if full is None:
                raise
            raise full from exc


def _leave(key: Path, run: _Run) -> bool:
    """End one level of a run: True if it was the outermost and a session opened."""
    with _locks_guard:
        run.depth -= 1
        if run.depth:
            return False
        del _runs[key]
        return run.opened


def _deferred(path: Path) -> bool:
    """For a write session that has opened the database: True if a run on it is going on
    (which then publishes at its end, now knowing there may be something to publish)."""
    with _locks_guard:
        run = _runs.get(path.resolve())
        if run is None:
            return False
        run.opened = True
        return True


def _publish(path: Path, wait_s: float) -> None:
    """Between this process's write sessions, as at the end of one (see `opened`)."""
    with _turn(path, wait_s):
        snapshot.publish_snapshot(path)


def _checkpoint(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Write the WAL into the file now, where a full disk can be reported: the checkpoint
    that closing does swallows the error, and the readers' snapshot (a copy of the file
    without its WAL) would then silently lack the session's writes."""
    try:
        con.execute("CHECKPOINT")
    except duckdb.Error as exc:
        if disk_full(exc) is not None:
            raise
        # another connection of this process is mid-transaction: closing checkpoints later


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: committed when the block ends, rolled back if it raises."""
    con.execute("BEGIN")
    try:
        yield con
        con.execute("COMMIT")
    except Exception:
        _rollback(con)
        raise


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Undo what is still open. A COMMIT that failed (a full disk) has already ended the
    transaction, and the error worth reporting is the one that failed it, not this one."""
    with suppress(duckdb.TransactionException):
        con.execute("ROLLBACK")


@contextmanager
def _connection(path: Path, *, read_only: bool, wait_s: float, migrations: bool = True) -> Iterator:
    con = connect(path, read_only=read_only, wait_s=wait_s, migrations=migrations)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def _turn(path: Path, wait_s: float) -> Iterator[None]:
    """This process's turn to write the database (its threads write one at a time)."""
    with _locks_guard:
        lock = _write_locks.setdefault(path.resolve(), threading.Lock())
    if not lock.acquire(timeout=wait_s):
        raise DatabaseLockedError(f"{path} stayed busy with another write in this process")
    try:
        yield
    finally:
        lock.release()


_write_locks: dict[Path, threading.Lock] = {}
_runs: dict[Path, _Run] = {}
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
    _ensure_views(con)
    return applied


def _ensure_views(con: duckdb.DuckDBPyConnection) -> None:
    """Recreate the public views unless every one is there as this version of gaitload
    defines it (each carries the definition's fingerprint as its comment; a view dropped or
    replaced by hand has lost it). Recreating them rewrites the file, so a write session that
    changes nothing else leaves the file as it was, and the readers' snapshot of it need not
    be copied again (`store.snapshot`)."""
    statements = [s for package, name in VIEWS for s in sqlfiles.statements(package, name)]
    stamp = "gaitload views " + hashlib.sha256("\n;\n".join(statements).encode()).hexdigest()[:16]
    names = [m.group(1) for s in statements if (m := _VIEW_NAME.match(s))]
    current = dict(
        con.execute(
            "SELECT view_name, comment FROM duckdb_views() WHERE NOT internal "
            "AND database_name = current_database() AND schema_name = current_schema()"
        ).fetchall()
    )
    if all(current.get(name) == stamp for name in names):
        return
    with transaction(con):
        for statement in statements:
            con.execute(statement)
        for name in names:
            con.execute(f"COMMENT ON VIEW {name} IS {_literal(stamp)}")


_VIEW_NAME = re.compile(r"CREATE\s+OR\s+REPLACE\s+VIEW\s+(\w+)", re.IGNORECASE)


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
