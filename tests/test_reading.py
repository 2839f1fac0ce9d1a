"""Reading the data: `gaitload sql`, Parquet export, and never getting in the writer's way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

from gaitload.cli import cli
from gaitload.config import AthleteSettings
from gaitload.demo.athlete import write_demo_athlete
from gaitload.ingest import import_paths
from gaitload.store.snapshot import snapshot_path
from tests.builders import database_held_by_another_process
from tests.conftest import make_settings


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("reading")
    files = write_demo_athlete(root / "fit", end=date(2026, 11, 20), weeks=8)
    settings = make_settings(
        root, default_athlete="demo", athletes={"demo": AthleteSettings("demo", "America/Denver")}
    )
    import_paths(settings, files[:-3], workers=1)
    return settings, files


def sql(settings, *args: str):
    return CliRunner().invoke(cli, ["--db", str(settings.db_path), "sql", *args])


def test_sql_answers_as_table_csv_and_json(demo):
    settings, _ = demo
    query = "SELECT week_start, runs FROM weekly_load ORDER BY week_start LIMIT 3"
    table = sql(settings, query)
    assert table.exit_code == 0 and "week_start" in table.output and "│" in table.output
    csv_out = sql(settings, query, "--format", "csv")
    lines = csv_out.output.strip().splitlines()
    assert lines[0] == "week_start,runs" and len(lines) == 4
    rows = json.loads(sql(settings, query, "--format", "json").output)
    assert [set(r) for r in rows] == [{"week_start", "runs"}] * 3
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        expected = con.execute(query).fetchall()
    assert [(r["week_start"], r["runs"]) for r in rows] == [(str(w), n) for w, n in expected]


def test_sql_from_a_file_to_a_file(demo, tmp_path):
    settings, _ = demo
    query = Path(__file__).resolve().parents[1] / "docs" / "queries" / "cadence_drops.sql"
    out = tmp_path / "drops.csv"
    result = sql(settings, "--file", str(query), "--format", "csv", "--output", str(out))
    assert result.exit_code == 0
    header, *rows = out.read_text().splitlines()
    assert header.startswith("athlete,local_date") and len(rows) == 10


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM core.activities",
        "DROP VIEW activities",
        "CREATE TABLE mine AS SELECT 1",
        "UPDATE core.activities SET distance_m = 0",
    ],
)
def test_sql_refuses_writes_and_changes_nothing(demo, statement):
    settings, _ = demo
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        before = con.execute("SELECT count(*), sum(distance_m) FROM activities").fetchall()
    result = sql(settings, statement)
    assert result.exit_code == 1
    assert "only reads: nothing was changed" in result.output
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        assert con.execute("SELECT count(*), sum(distance_m) FROM activities").fetchall() == before


def test_a_bad_query_is_one_line_not_a_traceback(demo):
    settings, _ = demo
    result = sql(settings, "SELECT nope FROM activities")
    assert result.exit_code == 1
    assert "query failed" in result.output and "Traceback" not in result.output


def test_parquet_export_partitioned_by_athlete_and_year(demo, tmp_path):
    settings, _ = demo
    result = CliRunner().invoke(
        cli, ["--db", str(settings.db_path), "export", "--parquet", str(tmp_path / "pq")]
    )
    assert result.exit_code == 0, result.output
    weekly = pl.read_parquet(
        tmp_path / "pq" / "weekly_load" / "**" / "*.parquet", hive_partitioning=True
    )
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        expected = con.execute("SELECT sum(km), count(*) FROM weekly_load").fetchall()[0]
    assert (weekly["km"].sum(), weekly.height) == (pytest.approx(expected[0]), expected[1])
    assert (tmp_path / "pq" / "samples" / "athlete=demo" / "year=2026").is_dir()


def test_readers_use_the_snapshot_while_a_writer_holds_the_database(demo):
    settings, _ = demo
    assert snapshot_path(settings.db_path).exists()  # published by the last import
    with database_held_by_another_process(settings.db_path):
        started = time.monotonic()
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "gaitload",
                "--db",
                str(settings.db_path),
                "sql",
                "SELECT count(*) AS n FROM activities",
                "--format",
                "json",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert time.monotonic() - started < 15  # did not wait for the writer
        assert result.returncode == 0, result.stderr
        assert "showing the snapshot" in result.stderr
        assert json.loads(result.stdout)[0]["n"] > 0


def test_a_busy_reader_never_blocks_the_writer_longer_than_a_query(demo):
    settings, files = demo
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from pathlib import Path\n"
            "from gaitload.store.reading import reading\n"
            "end = time.monotonic() + 8\n"
            "n = 0\n"
            "while time.monotonic() < end:\n"
            "    with reading(Path(sys.argv[1])) as r:\n"
            "        r.con.execute('SELECT * FROM load_signals').fetchall()\n"
            "    n += 1\n"
            "print(n)\n",
            str(settings.db_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1.5)  # the reader is busy querying, over and over
        writer_settings = make_settings(
            settings.data_dir, default_athlete="demo", athletes=settings.athletes, lock_wait_s=10
        )
        report = import_paths(writer_settings, files[-3:], workers=1)
        assert report.count("imported") == 3
    finally:
        out, _ = reader.communicate(timeout=60)
    assert int(out) > 5  # it kept reading throughout (live or snapshot)


def test_the_analysis_notebook_runs_against_the_snapshot(demo, tmp_path):
    """Every cell runs, and they read the snapshot's data through the locked reader."""
    settings, _ = demo
    notebook = Path(__file__).resolve().parents[1] / "dashboards" / "analysis.py"
    script = tmp_path / "run_notebook.py"
    script.write_text(RUN_NOTEBOOK)
    result = subprocess.run(
        [sys.executable, str(script), str(notebook)],
        capture_output=True,
        text=True,
        env={**os.environ, "GAITLOAD_DB": str(settings.db_path)},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    ran = json.loads(result.stdout.splitlines()[-1])
    assert ran["cells"] == 4 and str(snapshot_path(settings.db_path)) in ran["first_cell"]
    assert ran["database"] == str(snapshot_path(settings.db_path))
    assert ran["external_access"] == "false" and ran["weeks"] > 0


RUN_NOTEBOOK = """
import json, sys
from importlib.util import module_from_spec, spec_from_file_location

spec = spec_from_file_location("analysis", sys.argv[1])
notebook = module_from_spec(spec)
spec.loader.exec_module(notebook)
outputs, defs = notebook.app.run()
con = defs["con"]
one = lambda sql: con.execute(sql).fetchone()[0]
print(json.dumps({
    "cells": len(outputs),
    "first_cell": outputs[0].text,
    "database": one(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ),
    "external_access": one(
        "SELECT value FROM duckdb_settings() WHERE name = 'enable_external_access'"
    ),
    "weeks": one("SELECT count(*) FROM weekly_load"),
}))
"""
