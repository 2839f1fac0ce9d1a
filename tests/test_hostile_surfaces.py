"""What a hostile user can reach through gaitload's surfaces: the SQL they type, the names they
give files, shoes and activities. Read-only means DuckDB itself refuses; user data reaches the
terminal and the browser as text, never as control sequences, markup or HTML."""

from __future__ import annotations

import hashlib
import http.server
import threading
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from gaitload.cli import cli
from gaitload.config import AthleteSettings
from gaitload.demo.athlete import write_demo_athlete
from gaitload.ingest import import_paths
from gaitload.store.reading import connect_reader, reading, snapshot_path
from tests.builders import database_held_by_another_process
from tests.conftest import make_settings

# --- gaitload sql cannot change anything, anywhere ------------------------------------------


class ExtensionRepository:
    """A DuckDB extension repository on loopback: it only counts who asks it for something."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        seen = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                seen.append(self.path)
                self.send_error(404)

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A real database with its snapshot, in a folder tree that is watched for any change."""
    root = tmp_path_factory.mktemp("hostile")
    settings = make_settings(
        root / "data",
        default_athlete="demo",
        athletes={"demo": AthleteSettings("demo", "America/Denver")},
    )
    files = write_demo_athlete(root / "fit", end=date(2026, 11, 20), weeks=4)
    import_paths(settings, files, workers=1)
    assert snapshot_path(settings.db_path).exists()
    (root / "victim").mkdir()
    (root / "victim" / "notes.txt").write_text("mine")
    repo = ExtensionRepository()
    yield settings, root, repo
    repo.close()


def tree_state(root: Path) -> dict[str, tuple]:
    """Every file and folder under root (and DuckDB's extension folder): size, mtime, hash."""
    state = {}
    for top in (root, Path.home() / ".duckdb"):
        for path in [top, *top.rglob("*")] if top.exists() else []:
            if path.is_file():
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                state[str(path)] = ("file", path.stat().st_size, path.stat().st_mtime_ns, digest)
            else:
                state[str(path)] = ("dir",)
    return state


ESCAPES = [
    # the chain: a second database, then the live one re-attached writable
    "ATTACH '{root}/s.duckdb' AS o (READ_WRITE); USE o; DETACH gaitload; "
    "ATTACH '{db}' AS w (READ_WRITE); DELETE FROM w.core.samples; SELECT 1",
    "ATTACH ':memory:' AS m; USE m; DETACH gaitload; SELECT 1",
    "COPY (SELECT 1) TO '{root}/victim/copied.csv'",
    "COPY (SELECT * FROM core.samples) TO '{snapshot}' (FORMAT parquet)",
    "COPY core.activities TO '{root}/victim/notes.txt'",
    "EXPORT DATABASE '{root}/victim/exported'",
    "ATTACH '{root}/victim/new.duckdb' AS n (READ_WRITE); CREATE TABLE n.t AS SELECT 1",
    "ATTACH '{snapshot}' AS snap (READ_WRITE); DELETE FROM snap.core.samples",
    "INSTALL httpfs FROM '{repo}'",
    "LOAD httpfs",
    "SET custom_extension_repository = '{repo}'",
    "SET autoinstall_known_extensions = true",
    "SET enable_external_access = true",
    "RESET enable_external_access",
    "SET lock_configuration = false",
    "SET temp_directory = '{root}/victim/tmp'",
    "SELECT * FROM read_csv('/etc/passwd', sep = ':')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_text('{root}/victim/notes.txt')",
    "SELECT * FROM glob('{root}/*')",
    "DELETE FROM core.samples",
    "DROP VIEW activities",
    "CREATE TABLE mine AS SELECT 1",
    "CREATE OR REPLACE MACRO km(x) AS x",
]


def variations(statement: str) -> list[str]:
    """The same statement as a careful filter would miss it."""
    return [
        statement,
        statement.lower(),
        f"/* harmless */ -- really\n  {statement}",
        f"SELECT 42; {statement}",
        f"WITH t AS (SELECT 1) SELECT * FROM t; {statement}",
    ]


def sql(settings, *args: str):
    return CliRunner().invoke(cli, ["--db", str(settings.db_path), "sql", *args])


def assert_one_refusal_line(result, statement: str) -> None:
    assert result.exit_code == 1, (statement, result.output)
    assert isinstance(result.exception, SystemExit), (statement, result.exception)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), (statement, result.output)
    assert "gaitload sql only reads: nothing was changed" in lines[0], (statement, lines)
    assert "Traceback" not in result.output


@pytest.mark.parametrize("template", ESCAPES)
def test_sql_cannot_write_install_or_read_outside_the_database(hostile, template, tmp_path):
    settings, root, repo = hostile
    statement = template.format(
        root=root, db=settings.db_path, snapshot=snapshot_path(settings.db_path), repo=repo.url
    )
    before = tree_state(root)
    for text in variations(statement):
        assert_one_refusal_line(sql(settings, text), text)
    script = tmp_path / "script.sql"
    script.write_text(f"-- a report\nSELECT count(*) FROM activities;\n{statement};\n")
    assert_one_refusal_line(sql(settings, "--file", str(script)), f"--file {statement}")
    assert tree_state(root) == before
    assert repo.requests == []


def test_an_extension_fetched_through_a_query_is_never_installed(hostile):
    """Reading a URL would auto-install httpfs: the reader neither installs nor fetches."""
    settings, root, repo = hostile
    before = tree_state(root)
    result = sql(settings, f"SELECT * FROM read_csv('{repo.url}/data.csv')")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert tree_state(root) == before
    assert repo.requests == []


def test_the_snapshot_readers_fall_back_to_is_locked_the_same_way(hostile):
    settings, root, repo = hostile
    before = tree_state(root)
    with database_held_by_another_process(settings.db_path):
        with reading(settings.db_path) as r:
            assert r.source == "snapshot"
            assert r.con.execute("SELECT count(*) FROM activities").fetchone()[0] > 0
        for template in ESCAPES:
            statement = template.format(
                root=root,
                db=settings.db_path,
                snapshot=snapshot_path(settings.db_path),
                repo=repo.url,
            )
            assert_one_refusal_line(sql(settings, statement), statement)
    assert tree_state(root) == before
    assert repo.requests == []


def test_the_notebook_helper_reads_through_the_same_locked_reader(hostile):
    settings, _, _ = hostile
    con = connect_reader(snapshot_path(settings.db_path))
    try:
        settings_now = dict(
            con.execute(
                "SELECT name, value FROM duckdb_settings() WHERE name IN ("
                "'enable_external_access', 'lock_configuration', 'autoload_known_extensions', "
                "'autoinstall_known_extensions', 'allow_community_extensions', 'access_mode')"
            ).fetchall()
        )
    finally:
        con.close()
    assert settings_now == {
        "access_mode": "read_only",
        "enable_external_access": "false",
        "lock_configuration": "true",
        "autoload_known_extensions": "false",
        "autoinstall_known_extensions": "false",
        "allow_community_extensions": "false",
    }
    analysis = (Path(__file__).resolve().parents[1] / "dashboards" / "analysis.py").read_text()
    assert "connect_reader(snapshot_path(" in analysis and "duckdb.connect" not in analysis


def test_export_writes_parquet_only_where_it_was_pointed(hostile, tmp_path):
    settings, root, _ = hostile
    before = tree_state(root)
    out = tmp_path / "it's here; COPY (SELECT 1) TO '" / "pq"
    result = CliRunner().invoke(
        cli, ["--db", str(settings.db_path), "export", "--parquet", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert tree_state(root) == before
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written and all(p.suffix == ".parquet" and out in p.parents for p in written)
    # the export's connection may write into that folder, and nowhere else
    with reading(settings.db_path, export_to=out) as r:
        for statement in (
            f"COPY (SELECT 1) TO '{tmp_path}/beside.csv'",
            "COPY (SELECT 1) TO '{}/../up.csv'".format(str(out).replace("'", "''")),
            "SET enable_external_access = true",
            "SET allowed_directories = ['/']",
        ):
            with pytest.raises(Exception, match=r"disabled by configuration|has been locked"):
                r.con.execute(statement)
    assert not (tmp_path / "beside.csv").exists()
