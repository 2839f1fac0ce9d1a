"""Hostile and careless use of the demo, the configuration, the secrets and the machine.

Each test is what a user (or a full disk, or `kill -9`) does to break a promise: the demo
never touches the user's data; faults are one line naming the cause; the configuration is
checked completely; secrets stay where they are promised to be.
"""

from __future__ import annotations

import hashlib
import os
import resource
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from gaitload.cli import cli
from gaitload.demo.athlete import write_demo_athlete
from gaitload.store import db

ROOT = Path(__file__).resolve().parents[1]


def gaitload(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    """The installed command as a user runs it: its own process, its own environment."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("GAITLOAD_")}
    full_env |= env or {}
    return subprocess.run(
        [sys.executable, "-m", "gaitload", *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def user_database(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE precious AS SELECT 42 AS answer")
    return path


@pytest.fixture(scope="module")
def demo_fit(tmp_path_factory) -> Path:
    """Four weeks of the demo runner: enough files for the parse pool, quick to import."""
    folder = tmp_path_factory.mktemp("fit")
    write_demo_athlete(folder, end=date(2026, 11, 20), weeks=4)
    return folder


# --- the demo never touches the user's database ---------------------------------------


def test_demo_ignores_the_users_db_config_athletes_and_mail(tmp_path):
    env_db = user_database(tmp_path / "mine" / "env.duckdb")
    config_db = user_database(tmp_path / "mine" / "config.duckdb")
    inbox = tmp_path / "mine" / "garmin"
    inbox.mkdir()
    config = tmp_path / "mine" / "gaitload.toml"
    config.write_text(
        f"db = '{config_db}'\n[athletes.anna]\ninbox = '{inbox}'\n[smtp]\nhost = '127.0.0.1'\n"
        "port = 9\nsecurity = 'none'\n"
    )
    before = {p: digest(p) for p in (env_db, config_db, config)}
    data = tmp_path / "data"
    for env in (
        {"GAITLOAD_DB": str(env_db)},
        {"GAITLOAD_CONFIG": str(config)},
        {"GAITLOAD_DB": str(env_db), "GAITLOAD_CONFIG": str(config)},
    ):
        env |= {"GAITLOAD_DATA_DIR": str(data), "GAITLOAD_ALERT_TO": "someone@example.org"}
        result = CliRunner().invoke(cli, ["demo", "--weeks", "4", "--end", "2026-11-20"], env=env)
        assert result.exit_code == 0, result.output
        assert "1 of 1 athletes ok" in result.output
        assert f"--db {data / 'demo.duckdb'}" in result.output
    assert {p: digest(p) for p in before} == before
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == [
        "config.duckdb",
        "env.duckdb",
        "gaitload.toml",
        "garmin",
    ]
    with duckdb.connect(str(data / "demo.duckdb"), read_only=True) as con:
        assert con.execute("SELECT DISTINCT athlete FROM activities").fetchall() == [("demo",)]
    assert list((data / "demo" / "outbox").glob("*.eml"))


# --- faults stay one line and name the cause ------------------------------------------


def test_a_failed_commit_is_the_error_not_the_rollback_after_it(tmp_path):
    con = db.connect(tmp_path / "x.duckdb")
    con.execute("CREATE TABLE t (k INTEGER PRIMARY KEY)")
    other = con.cursor()
    other.execute("BEGIN")
    other.execute("INSERT INTO t VALUES (1)")
    failed = pytest.raises(duckdb.TransactionException, match="Failed to commit")
    with failed, db.transaction(con):
        con.execute("INSERT INTO t VALUES (1)")
        other.execute("COMMIT")  # the same key, committed first: this COMMIT fails
    assert con.execute("SELECT count(*) FROM t").fetchone() == (1,)
    with db.transaction(con):  # and the connection is usable again
        con.execute("INSERT INTO t VALUES (2)")
    assert con.execute("SELECT count(*) FROM t").fetchone() == (2,)
    con.close()


def _file_size_limit(limit: int):
    def limit_writes() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes then fail with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_writes


@pytest.mark.parametrize("limit_mb", [1.0, 2.0])
def test_a_full_disk_during_an_import_is_one_line_and_a_rerun_finishes(
    tmp_path, demo_fit, limit_mb
):
    """1 MB: a COMMIT fails mid-import. 2 MB: only the final checkpoint does, which DuckDB
    alone would swallow, leaving the readers' snapshot without the import."""
    database = tmp_path / "x.duckdb"
    args = ("--db", str(database), "import", "--quiet", "--workers", "2", str(demo_fit))
    full = gaitload(*args, preexec_fn=_file_size_limit(int(limit_mb * 1_000_000)))
    assert full.returncode == 1, full.stdout + full.stderr
    assert "Traceback" not in full.stderr
    lines = full.stderr.strip().splitlines()
    assert len(lines) == 1, full.stderr
    assert lines[0].startswith("error: disk full / file too large while writing")
    assert str(database) in lines[0]
    rerun = gaitload(*args)
    assert rerun.returncode == 0, rerun.stderr
    with duckdb.connect(str(database), read_only=True) as con:
        files = con.execute("SELECT count(*) FROM core.source_files").fetchone()[0]
        activities = con.execute("SELECT count(*) FROM activities").fetchone()[0]
    assert files == len(list(demo_fit.glob("*.fit")))
    assert activities == files


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_parse_workers_exit_when_the_importer_is_killed(tmp_path):
    folder = tmp_path / "fit"
    write_demo_athlete(folder, end=date(2026, 11, 20), weeks=16)  # a few seconds of parsing
    env = {k: v for k, v in os.environ.items() if not k.startswith("GAITLOAD_")}
    args = ["--db", str(tmp_path / "x.duckdb"), "import", "--quiet", "--workers", "2"]
    importer = subprocess.Popen(
        [sys.executable, "-m", "gaitload", *args, str(folder)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline and importer.poll() is None:
            workers = [p for p in _children(importer.pid) if "spawn_main" in _cmdline(p)]
            time.sleep(0.05)
        assert len(workers) == 2, "the import never started its two parse workers"
        importer.send_signal(signal.SIGKILL)
        importer.wait()
        deadline = time.monotonic() + 5
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [p for p in workers if _alive(p)], "parse workers outlived their importer"
    finally:
        for pid in workers:
            if _alive(pid) and "spawn_main" in _cmdline(pid):
                os.kill(pid, signal.SIGKILL)
