"""The readers' snapshot is copied once per run, and never for a database it already holds.

Copies are counted by spying on `shutil.copyfile`, the one call that copies the database;
what readers see is read back from the snapshot itself.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from gaitload.errors import DatabaseLockedError
from gaitload.store import db
from gaitload.store.db import publishing
from gaitload.store.snapshot import publish_snapshot, published, snapshot_path
from tests.builders import database_held_by_another_process


@pytest.fixture
def database(tmp_path) -> Path:
    """A migrated database with some rows, and its snapshot published."""
    path = tmp_path / "x.duckdb"
    with db.opened(path) as con:
        con.execute("CREATE TABLE main.t AS SELECT range AS x FROM range(50000)")
    assert published(path)
    return path


def snapshot_rows(path: Path) -> int:
    with db.connect_reader(snapshot_path(path)) as con:
        return con.execute("SELECT count(*) FROM main.t").fetchone()[0]


def test_publishing_an_unchanged_database_copies_nothing(database, copies):
    before = snapshot_path(database).stat()
    assert publish_snapshot(database) is False
    assert publish_snapshot(database) is False
    assert copies == []
    after = snapshot_path(database).stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_write_session_that_changes_nothing_leaves_the_file_and_the_snapshot_alone(
    database, copies
):
    """Opening migrates and brings the views up to date; nothing to do must write nothing."""
    content = database.read_bytes()
    stat = database.stat()
    for migrations in (True, False):
        with db.opened(database, migrations=migrations) as con:
            con.execute("SELECT count(*) FROM main.t").fetchall()
    assert database.read_bytes() == content
    assert database.stat().st_mtime_ns == stat.st_mtime_ns
    assert copies == []


def test_a_plain_duckdb_write_by_the_user_is_published_by_the_next_session(database, copies):
    with duckdb.connect(str(database)) as con:  # the user's own SQL session, not gaitload
        con.execute("INSERT INTO main.t VALUES (-1)")
    assert not published(database)
    with db.opened(database):
        pass
    assert len(copies) == 1
    assert snapshot_rows(database) == 50001


def test_a_write_that_keeps_the_size_and_the_time_is_still_seen(database, copies):
    """An update in place can keep the file's size, and a touch -r (or a coarse clock) its
    time: made so here by giving the old snapshot the new file's size and time. DuckDB's
    header, which every checkpoint rewrites, still tells them apart."""
    with duckdb.connect(str(database)) as con:
        con.execute("UPDATE main.t SET x = x + 1 WHERE x < 10")
    live, snapshot = database.stat(), snapshot_path(database)
    os.truncate(snapshot, live.st_size)
    os.utime(snapshot, ns=(live.st_atime_ns, live.st_mtime_ns))
    assert (snapshot.stat().st_size, snapshot.stat().st_mtime_ns) == (
        live.st_size,
        live.st_mtime_ns,
    )
    assert not published(database)
    assert publish_snapshot(database) is True
    with db.connect_reader(snapshot) as con:
        assert con.execute("SELECT min(x) FROM main.t").fetchone() == (1,)


@pytest.mark.parametrize("tamper", ["delete", "replace", "write"])
def test_a_snapshot_deleted_or_changed_by_hand_is_published_again(database, copies, tamper):
    snapshot = snapshot_path(database)
    if tamper == "delete":
        snapshot.unlink()
    elif tamper == "replace":
        snapshot.write_bytes(b"not a database")
    else:
        with duckdb.connect(str(snapshot)) as con:
            con.execute("DELETE FROM main.t")
    assert publish_snapshot(database) is True
    assert snapshot_rows(database) == 50000


def test_a_database_replaced_by_another_of_the_same_size_is_published(database, copies):
    other = database.with_name("other.duckdb")
    with db.opened(other, publish=False) as con:
        con.execute("CREATE TABLE main.t AS SELECT range + 7 AS x FROM range(50000)")
    shutil.copy2(other, database)  # a restore that keeps the other file's time
    copies.clear()
    assert publish_snapshot(database) is True
    with db.connect_reader(snapshot_path(database)) as con:
        assert con.execute("SELECT min(x) FROM main.t").fetchone() == (7,)


def test_changes_still_in_a_killed_writers_log_are_not_published_half(database, copies):
    """The file lacks what is still in its write-ahead log: copying it would publish a
    database without those rows, and mark it published. The last snapshot stays; the next
    write session replays the log, checkpoints and publishes it all."""
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import duckdb, os, sys; con = duckdb.connect(sys.argv[1]); "
            "con.execute('INSERT INTO main.t VALUES (-1)'); os._exit(9)",
            str(database),
        ]
    )
    assert killed.returncode == 9
    assert Path(f"{database}.wal").stat().st_size > 0
    assert publish_snapshot(database) is False
    assert copies == [] and snapshot_rows(database) == 50000
    with db.opened(database):
        pass
    assert len(copies) == 1 and snapshot_rows(database) == 50001


def test_a_database_another_process_writes_is_not_copied_under_it(database, copies):
    """Copying a file while another process writes it could publish a torn database."""
    with duckdb.connect(str(database)) as con:
        con.execute("INSERT INTO main.t VALUES (-1)")
    with database_held_by_another_process(database):
        assert publish_snapshot(database) is False
    assert copies == [] and snapshot_rows(database) == 50000


def test_a_run_of_many_sessions_in_many_threads_copies_once_at_its_end(database, copies):
    def athlete(n: int) -> None:
        for i in range(3):
            with db.opened(database) as con:
                con.execute("INSERT INTO main.t VALUES (?)", [-(10 * n + i)])

    with publishing(database):
        threads = [threading.Thread(target=athlete, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert copies == []  # six write sessions, none copied
        assert snapshot_rows(database) == 50000  # readers still have the last one
    assert copies == [database]
    assert snapshot_rows(database) == 50006 and published(database)


def test_runs_nest_and_the_outermost_publishes(database, copies):
    with publishing(database):
        with publishing(database), db.opened(database) as con:
            con.execute("INSERT INTO main.t VALUES (-1)")
        assert copies == []
    assert copies == [database]


def test_a_run_that_changes_nothing_copies_nothing(database, copies):
    with publishing(database):
        for _ in range(3):
            with db.opened(database) as con:
                con.execute("SELECT count(*) FROM main.t").fetchall()
    assert copies == []


def test_a_run_that_failed_after_a_commit_publishes_what_committed(database, copies):
    with pytest.raises(ZeroDivisionError), publishing(database):
        with db.opened(database) as con:
            con.execute("INSERT INTO main.t VALUES (-1)")
        with db.opened(database):
            1 / 0  # noqa: B018 — a task that fails after another one committed
    assert copies == [database] and snapshot_rows(database) == 50001


def test_a_run_that_could_not_open_the_database_publishes_nothing(database, copies):
    with duckdb.connect(str(database)) as con:
        con.execute("INSERT INTO main.t VALUES (-1)")  # stale snapshot: a copy would be due
    with database_held_by_another_process(database):
        with (
            publishing(database),
            pytest.raises(DatabaseLockedError),
            db.opened(database, wait_s=0.2),
        ):
            pass
        assert copies == []
    assert snapshot_rows(database) == 50000


def test_a_run_interrupted_by_ctrl_c_leaves_the_last_snapshot(database, copies):
    with pytest.raises(KeyboardInterrupt), publishing(database):
        with db.opened(database) as con:
            con.execute("INSERT INTO main.t VALUES (-1)")
        raise KeyboardInterrupt
    assert copies == [] and snapshot_rows(database) == 50000


def test_a_run_killed_mid_way_leaves_the_last_snapshot_intact_and_readable(database):
    """kill -9 while a run writes: the snapshot is the one published before the run."""
    before = snapshot_path(database).read_bytes()
    run = (
        "import sys, time; from pathlib import Path; from gaitload.store import db; "
        "from gaitload.store.db import publishing; p = Path(sys.argv[1])\n"
        "with publishing(p):\n"
        "    for i in range(10**6):\n"
        "        with db.opened(p) as con: con.execute('INSERT INTO main.t VALUES (-1)')\n"
        "        print(i, flush=True)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", run, str(database)], stdout=subprocess.PIPE, text=True
    )
    for _ in range(3):  # three sessions committed: the run is well under way
        assert proc.stdout.readline()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    assert snapshot_path(database).read_bytes() == before
    assert snapshot_rows(database) == 50000
    with db.opened(database):  # the next write session publishes what the run committed
        pass
    assert snapshot_rows(database) >= 50003


def test_a_half_copy_left_by_a_killed_publisher_is_removed_by_the_next(database):
    """Only a dead process's: another publisher may be copying right now."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    debris = database.with_name(f".{database.name}.snapshot.{gone.pid}")
    debris.write_bytes(b"\0" * 4096)
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        busy = database.with_name(f".{database.name}.snapshot.{alive.pid}")
        busy.write_bytes(b"\0" * 4096)
        with duckdb.connect(str(database)) as con:
            con.execute("INSERT INTO main.t VALUES (-1)")
        assert publish_snapshot(database) is True
        assert not debris.exists() and busy.exists()
    finally:
        alive.kill()
        alive.wait()


def test_a_run_ending_while_another_thread_writes_waits_for_that_session(database, copies):
    """The run's copy takes its turn with this process's write sessions, as they do."""
    writing, done = threading.Event(), threading.Event()

    def late_athlete() -> None:
        with db.opened(database) as con:
            con.execute("INSERT INTO main.t VALUES (-1)")
            writing.set()
            done.wait(10)

    with publishing(database):
        with db.opened(database) as con:
            con.execute("INSERT INTO main.t VALUES (-2)")
        thread = threading.Thread(target=late_athlete)
        thread.start()
        assert writing.wait(10)
        threading.Timer(0.3, done.set).start()
    thread.join()
    assert copies == [database] and snapshot_rows(database) == 50002


def test_an_odd_database_name_is_published_once_and_its_debris_alone_removed(tmp_path, copies):
    odd = tmp_path / "o'dd [1] * name.duckdb"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    other = tmp_path / f".o'dd 1 x name.duckdb.snapshot.{gone.pid}"  # [1], * as patterns
    other.write_bytes(b"someone else's")
    debris = tmp_path / f".{odd.name}.snapshot.{gone.pid}"
    debris.write_bytes(b"\0")
    with publishing(odd):
        for _ in range(2):
            with db.opened(odd) as con:
                con.execute("CREATE TABLE IF NOT EXISTS main.t AS SELECT 1 AS x")
    assert copies == [odd] and published(odd)
    assert not debris.exists() and other.exists()
    assert snapshot_rows(odd) == 1
