"""The store under stress: a killed import, a second process holding the file, migrations."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from gaitload import sqlfiles
from gaitload.demo.athlete import write_demo_athlete
from gaitload.errors import DatabaseLockedError
from gaitload.ingest import import_paths
from gaitload.sources.fit import content_hash, parse_fit
from gaitload.store import db, writer
from tests.builders import database_held_by_another_process


def gaitload_cmd(settings, *args: str) -> list[str]:
    return [sys.executable, "-m", "gaitload", "--db", str(settings.db_path), *args]


def count(settings, sql: str) -> tuple:
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        return con.execute(sql).fetchone()


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory) -> list[Path]:
    return write_demo_athlete(tmp_path_factory.mktemp("fit"), end=date(2026, 11, 20), weeks=10)


def test_an_import_killed_midway_is_finished_by_a_rerun_without_duplicates(settings, demo_files):
    """Batches of two files here (a real import writes up to 200 to a transaction), so that
    the first commits long before the last; the kill lands once two batches have committed
    (the importer says so on stderr), while the next are being written."""
    folder = demo_files[0].parent
    small_batches = (
        "import sys, gaitload.store.writer as w\n"
        "w.BATCH_FILES, save = 2, w.Batch._save\n"
        "def _save(self, files):\n"
        "    out = save(self, files)\n"
        "    print('committed', file=sys.stderr, flush=True)\n"
        "    return out\n"
        "w.Batch._save = _save\n"
        "import gaitload.__main__\n"
    )
    args = ("import", str(folder), "--athlete", "demo", "--workers", "1", "--quiet")
    proc = subprocess.Popen(
        [sys.executable, "-c", small_batches, "--db", str(settings.db_path), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    commits = 0
    while commits < 2 and (line := proc.stderr.readline()):
        commits += line.strip() == "committed"
    os.kill(proc.pid, signal.SIGKILL)  # no clean-up, no final commit: a crash
    proc.stderr.close()
    proc.wait()
    (stored_after_crash,) = count(settings, "SELECT count(*) FROM activities")
    assert 0 < stored_after_crash < len(demo_files), "the kill should land mid-import"

    report = import_paths(settings, [folder], athlete="demo", workers=1)
    assert report.count("duplicate") == stored_after_crash
    assert report.count("imported") == len(demo_files) - stored_after_crash
    assert count(settings, "SELECT count(*), count(DISTINCT source_file) FROM activities") == (
        len(demo_files),
        len(demo_files),
    )
    # every activity has exactly its own samples: nothing half-written survived the crash
    assert count(
        settings,
        "SELECT count(*) FROM activities a WHERE samples <> "
        "(SELECT count(*) FROM samples s WHERE s.activity_id = a.activity_id)",
    ) == (0,)


def test_a_file_that_cannot_be_stored_gets_its_line_and_the_rest_of_its_batch_goes_in(
    settings, demo_files
):
    """One file's samples DuckDB refuses (a heart rate that is text): the batch is rolled
    back and redone file by file, so only that file is lost, with its reason."""
    parsed = []
    for path in demo_files[:5]:
        data = path.read_bytes()
        parsed.append(parse_fit(path, data, content_hash(data), "UTC"))
    bad = parsed[2].activities[0]
    bad.samples = bad.samples.with_columns(heart_rate=pl.lit("fast"))
    with db.opened(settings.db_path) as con:
        athlete_id, _ = writer.ensure_athlete(con, settings.athlete("demo"), "UTC")
        with writer.Batch(con, athlete_id, "run-1") as batch:
            outcomes = [o for p in parsed for o in batch.add(p, "fit")] + batch.commit()
    assert [o.status for o in outcomes] == ["imported"] * 2 + ["rejected"] + ["imported"] * 2
    assert outcomes[2].reason.startswith("could not be stored: ConversionException: ")
    assert "fast" in outcomes[2].reason and "\n" not in outcomes[2].reason
    good = [p for i, p in enumerate(parsed) if i != 2]
    assert count(settings, "SELECT count(*) FROM activities") == (4,)
    assert count(settings, "SELECT count(*) FROM samples") == (
        sum(p.activities[0].samples.height for p in good),
    )
    assert count(settings, "SELECT count(*) FROM core.source_files WHERE status = 'imported'") == (
        4,
    )
    logged = count(
        settings,
        "SELECT list(status ORDER BY ingest_id), count(DISTINCT path) FROM core.ingest_log",
    )
    assert logged == (["imported"] * 2 + ["rejected"] + ["imported"] * 2, 5)
    # tried again next time: the refused file's content is not remembered as decided
    assert count(
        settings,
        f"SELECT count(*) FROM core.source_files WHERE sha256 = '{parsed[2].sha256}'",
    ) == (0,)


def test_a_writer_waits_then_names_the_process_holding_the_database(settings, demo_files):
    import_paths(settings, demo_files[:1], athlete="demo")
    with database_held_by_another_process(settings.db_path) as holder:
        started = time.monotonic()
        with pytest.raises(DatabaseLockedError, match=f"PID {holder.pid}"):
            import_paths(settings, demo_files[1:3], athlete="demo")
        assert 1.5 <= time.monotonic() - started < 10  # waited lock_wait_s (2 s), no longer

        cli = subprocess.run(
            gaitload_cmd(settings, "import", str(demo_files[1]), "--quiet"),
            capture_output=True,
            text=True,
            env={**os.environ, "GAITLOAD_LOCK_WAIT": "0.5"},
        )
        assert cli.returncode == 1
        assert "Traceback" not in cli.stderr
        assert f"in use by another program (PID {holder.pid}" in cli.stderr
    report = import_paths(settings, demo_files[1:3], athlete="demo")
    assert report.count("imported") == 2


def test_migrations_apply_once_and_views_exist(settings):
    with db.opened(settings.db_path) as con:
        applied = con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
        assert applied == [(v,) for v, _ in db.pending(set())]
        assert applied[:2] == [(1,), (2,)]
    with db.opened(settings.db_path) as con:  # a second open applies nothing new
        assert db.migrate(con) == []
        views = {
            r[0]
            for r in con.execute(
                "SELECT view_name FROM duckdb_views() WHERE NOT internal"
            ).fetchall()
        }
    assert {"activities", "samples", "laps", "athletes", "gear", "ingest_log"} <= views
    assert {
        "activity_metrics",
        "daily_load",
        "weekly_load",
        "load_signals",
        "surface_mix",
        "surface_variety",
        "cadence_baseline",
        "gear_usage",
    } <= views


def test_reading_a_database_that_does_not_exist_says_so(tmp_path):
    from gaitload.errors import GaitloadError

    with pytest.raises(GaitloadError, match="no database at"):
        db.connect(tmp_path / "missing.duckdb", read_only=True)


def test_views_dropped_replaced_or_redefined_are_recreated_by_the_next_write_open(
    settings, monkeypatch
):
    """Views are checked on every write-open (their definitions' fingerprint is their
    comment) and recreated only then: an open that finds them current writes nothing."""
    path = settings.db_path
    with db.opened(path) as con:
        weekly = con.execute("DESCRIBE weekly_load").fetchall()
    with duckdb.connect(str(path)) as con:  # by hand, in the user's own SQL session
        con.execute("DROP VIEW activities")
        con.execute("CREATE OR REPLACE VIEW weekly_load AS SELECT 1 AS mine")
    with db.opened(path) as con:
        assert con.execute("SELECT count(*) FROM activities").fetchone() == (0,)
        assert con.execute("DESCRIBE weekly_load").fetchall() == weekly
    untouched = path.read_bytes()
    with db.opened(path):
        pass
    assert path.read_bytes() == untouched

    statements = sqlfiles.statements

    def redefined(package: str, name: str) -> list[str]:
        found = statements(package, name)
        if name != "views.sql" or package != "gaitload.store":
            return found
        head, body = found[0].split(" AS", 1)  # the same view with one more column
        return [f"{head} AS SELECT *, 42 AS answer FROM ({body})", *found[1:]]

    assert statements("gaitload.store", "views.sql")[0].startswith(
        "CREATE OR REPLACE VIEW athletes"
    )
    monkeypatch.setattr(sqlfiles, "statements", redefined)
    with db.opened(path) as con:
        assert "answer" in [row[0] for row in con.execute("DESCRIBE athletes").fetchall()]
