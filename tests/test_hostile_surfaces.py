"""What a hostile user can reach through gaitload's surfaces: the SQL they type, the names they
give files, shoes and activities. Read-only means DuckDB itself refuses; user data reaches the
terminal and the browser as text, never as control sequences, markup or HTML."""

from __future__ import annotations

import hashlib
import http.client
import http.server
import os
import pty
import re
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from gaitload.cli import cli
from gaitload.config import AthleteSettings
from gaitload.demo.athlete import write_demo_athlete
from gaitload.ingest import import_paths
from gaitload.notify import send_alerts
from gaitload.pain import add_pain
from gaitload.read.notebook import snapshot_reader
from gaitload.store.reading import reading
from gaitload.store.snapshot import publish_snapshot, snapshot_path
from tests.builders import database_held_by_another_process
from tests.conftest import make_settings
from tests.dashboard_server import running_dashboard
from tests.histories import SPIKE_HIGH, START, WEEK6, Shoe, anna_plan, athlete_settings, build
from tests.test_dashboard import CHROMIUM, browser, open_page  # noqa: F401

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
    """Reading a URL auto-installs httpfs from the repository set: the reader neither takes
    the setting nor fetches anything (the repository is on loopback: it counts attempts)."""
    settings, root, repo = hostile
    before = tree_state(root)
    result = sql(
        settings,
        f"SET custom_extension_repository = '{repo.url}'; "
        f"SELECT * FROM read_csv('{repo.url}/data.csv')",
    )
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
    con, _ = snapshot_reader(settings)
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
    assert "snapshot_reader(" in analysis and "duckdb.connect" not in analysis


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


# --- what reaches the terminal is text ------------------------------------------------------

FORGED = "evil.fit\n  imported  fine.fit"
ANSI = "\x1b[2J\x1b]0;pwned\x07"
HOSTILE_SHOE = f"<img src=x onerror=\"document.title='pwned'\">[bold]Evil{ANSI}\n  imported"
HOSTILE_TITLE = "<script>document.title='pwned'</script>[strava] \x1b[31mred"
HOSTILE_NOTE = "[red]sore[/red]\x1b[5m\rpain: ok"


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    """Tables as wide as their cells, so a cell's text can be read back whole."""
    from gaitload import cli as cli_module

    for console in (cli_module.console, cli_module.err):
        monkeypatch.setattr(console, "_width", 1000)


def squashed(output: str) -> str:
    """The output with rich's line wrapping undone (any run of whitespace as one space)."""
    return re.sub(r"\s+", " ", output)


def assert_no_control_characters(output: str) -> None:
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", output), repr(output)


@pytest.fixture(scope="module")
def anna(tmp_path_factory):
    """A shoe and a run title chosen to attack the terminal and the browser; alerts recorded."""
    root = tmp_path_factory.mktemp("anna")
    settings = athlete_settings(make_settings(root), ["anna"])
    plan = [p for p in anna_plan() if not isinstance(p, Shoe)]
    build(settings, root / "fit", "anna", [*plan, Shoe("Old", START), Shoe(HOSTILE_SHOE, WEEK6)])
    with duckdb.connect(str(settings.db_path)) as con:
        con.execute(
            "UPDATE core.activities SET name = ? WHERE start_time_utc::DATE = ?",
            [HOSTILE_TITLE, SPIKE_HIGH],
        )
    send_alerts(settings, as_of=SPIKE_HIGH, athlete="anna")  # records the episodes
    add_pain(settings, athlete="anna", where="shin", score=3, day=SPIKE_HIGH, note=HOSTILE_NOTE)
    publish_snapshot(settings.db_path)
    return settings


def gaitload(settings, *args: str, exit_code: int = 0):
    result = CliRunner().invoke(cli, ["--db", str(settings.db_path), *args])
    assert result.exit_code == exit_code, result.output
    return result.output


def test_import_summary_shows_a_hostile_file_name_as_one_escaped_name(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    for name in (FORGED, f"{ANSI}red.fit", "[bold]loud[red].fit"):
        (inbox / name).write_text(f"not a fit file: {name}")  # distinct: none a duplicate
    settings = make_settings(tmp_path)
    output = gaitload(settings, "import", str(inbox), "--athlete", "a", "--quiet", exit_code=1)
    assert_no_control_characters(output.replace("\n", ""))
    assert not re.search(r"^\s*imported\s+fine\.fit", output, re.MULTILINE)
    text = squashed(output)
    assert "rejected evil.fit\\n imported fine.fit: " in text
    assert "rejected \\x1b[2J\\x1b]0;pwned\\x07red.fit: " in text
    assert "rejected [bold]loud[red].fit: " in text


def test_alerts_shoes_and_pain_print_user_data_as_text(anna):
    outputs = {
        "alerts": gaitload(anna, "alerts", "--athlete", "anna"),
        "shoes": gaitload(anna, "shoe", "list"),
        "pain": gaitload(anna, "pain", "list"),
    }
    for command, output in outputs.items():
        assert_no_control_characters(output.replace("\n", "")), command
        assert "\r" not in output, command
    assert "[bold]Evil\\x1b[2J\\x1b]0;pwned\\x07" in squashed(outputs["alerts"])
    assert "[strava] \\x1b[31mred" in squashed(outputs["alerts"])
    assert "[bold]Evil\\x1b[2J" in squashed(outputs["shoes"])
    assert "[red]sore[/red]\\x1b[5m\\rpain: ok" in squashed(outputs["pain"]).replace("│ ", "")


def test_shoe_add_echoes_the_name_as_text(tmp_path):
    settings = make_settings(tmp_path)
    output = gaitload(settings, "shoe", "add", f"[bold]Fast{ANSI}", "--from", "2026-01-01")
    assert_no_control_characters(output.replace("\n", ""))
    assert "Shoe '[bold]Fast\\x1b[2J\\x1b]0;pwned\\x07'" in output


def test_sql_table_cells_and_headers_are_text(hostile):
    settings, _, _ = hostile
    query = (
        "SELECT '[bold]x' || chr(27) || '[31m' || chr(10) || 'imported' AS \"[i]col\", "
        "'\x9b2J' AS c1"
    )
    output = gaitload(settings, "sql", query)
    assert_no_control_characters(output.replace("\n", ""))
    assert "[i]col" in output and "[bold]x\\x1b[31m\\nimported" in output
    assert "\\x9b2J" in output


def test_paths_the_user_typed_are_printed_as_typed(hostile, tmp_path):
    settings, _, _ = hostile
    out = tmp_path / "[bold]pq"
    output = gaitload(settings, "export", "--parquet", str(out))
    assert f"Parquet files in {out}:" in squashed(output)


# --- what reaches the browser is text, and only from this machine's own address -------------

needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)",
)


@pytest.fixture(scope="module")
def anna_dashboard(anna):
    def ready(port: int) -> bool:
        return status(port, f"127.0.0.1:{port}") == 200

    with running_dashboard(anna.db_path, ready) as port:
        yield port


def status(port: int, host: str, headers: dict | None = None) -> int | None:
    """The status of a raw GET / sent to 127.0.0.1:port with this Host header."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.putrequest("GET", "/", skip_host=True)
        connection.putheader("Host", host)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


def test_dashboard_answers_only_its_own_address(anna_dashboard):
    port = anna_dashboard
    assert status(port, f"127.0.0.1:{port}") == 200
    assert status(port, f"localhost:{port}") == 200
    upgrade = {
        "Connection": "Upgrade",
        "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    }
    for host in (f"rebound.example:{port}", "rebound.example", f"127.0.0.1.evil.example:{port}"):
        assert status(port, host) == 400, host
        assert status(port, host, upgrade) not in (101, 200), host


@needs_chromium
def test_dashboard_shows_hostile_titles_and_shoe_names_as_text(anna_dashboard, browser):  # noqa: F811
    port = anna_dashboard
    page, _, errors = open_page(browser, f"http://127.0.0.1:{port}/", 1200, 2400)
    triggers = page.get_by_role("button", name=re.compile(r" · (HIGH|WARN|INFO) · "))
    triggers.first.wait_for(timeout=90_000)
    shown_text = []
    for i in range(triggers.count()):  # one panel opens at a time: read each one's message
        triggers.nth(i).click()
        message = page.locator("strong").locator("visible=true").last
        message.wait_for(timeout=15_000)
        shown_text.append(message.inner_text())
    text = " ".join(shown_text)
    assert "<img src=x onerror=\"document.title='pwned'\">[bold]Evil" in text
    assert "<script>document.title='pwned'</script>[strava]" in text
    row = page.get_by_role("row").filter(has_text="[red]sore[/red]")
    row.first.wait_for(timeout=30_000)
    time.sleep(1)  # an onerror would have fired by now
    assert page.title() != "pwned"
    assert page.locator("img[src='x']").count() == 0
    injected = "[...document.scripts].filter(s => s.text.includes('pwned')).length"
    assert page.evaluate(injected) == 0
    assert errors == []
    page.close()


def test_sql_csv_is_escaped_on_a_terminal_and_kept_as_data_in_a_pipe(hostile):
    settings, _, _ = hostile
    command = [
        sys.executable,
        "-m",
        "gaitload",
        "--db",
        str(settings.db_path),
        "sql",
        "SELECT chr(27) || '[2Jgone' AS c",
        "--format",
        "csv",
    ]
    piped = subprocess.run(command, capture_output=True, timeout=60)
    assert piped.returncode == 0 and piped.stdout == b"c\r\n\x1b[2Jgone\r\n"
    leader, follower = pty.openpty()
    try:
        on_terminal = subprocess.run(command, stdout=follower, stderr=subprocess.PIPE, timeout=60)
        os.close(follower)
        follower = -1
        out = b""
        while chunk := _read(leader):
            out += chunk
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)
    assert on_terminal.returncode == 0, on_terminal.stderr
    assert b"\x1b" not in out and b"\\x1b[2Jgone" in out


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 4096)
    except OSError:  # the terminal's other end closed: all read
        return b""
