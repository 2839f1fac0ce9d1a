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
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest
from aiosmtpd.controller import Controller  # imported before a test patches socket
from click.testing import CliRunner

from gaitload.cli import cli
from gaitload.config import load_settings
from gaitload.config_schema import reference, variables
from gaitload.demo.athlete import write_demo_athlete
from gaitload.errors import ConfigError, MailDeliveryError
from gaitload.store import db
from gaitload.store.snapshot import publish_snapshot, snapshot_path
from tests.smtp_server import PASSWORD, USER, Recorder, free_port

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
    assert not Path(f"{database}.snapshot").exists()  # no broken copy published for readers
    rerun = gaitload(*args)
    assert rerun.returncode == 0, rerun.stderr
    with duckdb.connect(str(database), read_only=True) as con:
        files = con.execute("SELECT count(*) FROM core.source_files").fetchone()[0]
        activities = con.execute("SELECT count(*) FROM activities").fetchone()[0]
    assert files == len(list(demo_fit.glob("*.fit")))
    assert activities == files


def test_a_full_disk_while_publishing_the_snapshot_leaves_the_old_one_and_no_debris(tmp_path):
    database = tmp_path / "x.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("CREATE TABLE t AS SELECT random() AS x FROM range(100000)")
    publish_snapshot(database)
    before = snapshot_path(database).read_bytes()
    with duckdb.connect(str(database)) as con:
        con.execute("INSERT INTO t SELECT random() FROM range(300000)")
    assert database.stat().st_size > 1_000_000
    probe = "import sys; from pathlib import Path; from gaitload.store.snapshot import *; "
    probe += "publish_snapshot(Path(sys.argv[1]))"
    full = subprocess.run(
        [sys.executable, "-c", probe, str(database)],
        preexec_fn=_file_size_limit(1_000_000),
        capture_output=True,
        text=True,
    )
    assert full.returncode != 0 and "File too large" in full.stderr
    assert snapshot_path(database).read_bytes() == before  # readers keep the last good one
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.duckdb", "x.duckdb.snapshot"]


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


def _kill_and_survivors(parent: subprocess.Popen, children: list[int], within_s: float):
    """`kill -9` the parent; the children still alive after `within_s` seconds."""
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + within_s
    while any(_alive(p) for p in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [p for p in children if _alive(p)]


def _kill_leftovers(pids: list[int], named: str) -> None:
    """A failed test leaves no process behind (checked by name: the pid may be reused)."""
    for pid in pids:
        if _alive(pid) and named in _cmdline(pid):
            os.kill(pid, signal.SIGKILL)


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
        assert not _kill_and_survivors(importer, workers, 5), (
            "parse workers outlived their importer"
        )
    finally:
        _kill_leftovers(workers, "spawn_main")


def test_a_parse_worker_arranges_its_death_before_importing_the_rest():
    """Until its initializer runs, a spawned worker cannot die with its parent: importing
    the package for it must not load the heavy parts (stravalib, polars, DuckDB)."""
    probe = "import sys, gaitload.workers; print(sorted(set(sys.modules) & HEAVY))"
    heavy = "{'stravalib', 'polars', 'duckdb', 'prefect', 'fitparse', 'fitfast'}"
    done = subprocess.run(
        [sys.executable, "-c", f"HEAVY = {heavy}\n{probe}"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.skipif(sys.platform != "linux", reason="the parent-death signal is Linux's")
def test_the_prefect_server_of_schedule_ends_when_schedule_is_killed(tmp_path):
    config = tmp_path / "gaitload.toml"
    config.write_text(f'db = "{tmp_path / "x.duckdb"}"\ndata_dir = "{tmp_path}"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GAITLOAD_", "PREFECT_API"))}
    schedule = subprocess.Popen(
        [sys.executable, "-m", "gaitload", "--config", str(config), "schedule"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    servers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while not servers and time.monotonic() < deadline and schedule.poll() is None:
            servers = [p for p in _children(schedule.pid) if "server\0start" in _cmdline(p)]
            time.sleep(0.05)
        assert servers, "gaitload schedule never started its Prefect server"
        assert not _kill_and_survivors(schedule, servers, 15), (
            "the Prefect server outlived schedule"
        )
    finally:
        _kill_leftovers(servers, "server")


# --- the configuration is checked, completely -----------------------------------------

BAD_CONFIGS = [
    ('athletes = "anna"\n', {}, "gaitload.toml: athletes: should be a table, not 'anna'"),
    ("[athletes.anna]\nemail = 42\n", {}, "[athletes.anna] email: should be a valid string"),
    ("timezone = 5\n", {}, "gaitload.toml: timezone: should be a valid string, not 5"),
    ("db = 5\n", {}, "gaitload.toml: db: should be a path (a string in quotes), not 5"),
    ('lock_wait_s = "soon"\n', {}, "lock_wait_s: should be a valid number, not 'soon'"),
    ("", {"GAITLOAD_LOCK_WAIT": "abc"}, "GAITLOAD_LOCK_WAIT='abc': should be a valid number"),
    (
        '[smtp]\nhost = "h"\n',
        {"GAITLOAD_SMTP_TIMEOUT": "abc"},
        "GAITLOAD_SMTP_TIMEOUT='abc': should be a valid number",
    ),
    ('[athletes.anna]\nhr_rest = "abc"\n', {}, "[athletes.anna] hr_rest: should be a valid"),
    ('tiemzone = "UTC"\n', {}, "tiemzone: unknown key (did you mean 'timezone'?)"),
    ("[athletes.anna]\nhr_rset = 50\n", {}, "[athletes.anna] hr_rset: unknown key (did you mean"),
    ('[smtp]\npasword = "x"\n', {}, "[smtp] pasword: unknown key; the password goes in secrets"),
    ('[smtp]\nhost = "h"\nport = 2525\nsecuirty = "ssl"\n', {}, "(did you mean 'security'?)"),
    ("[mail]\noutbx = '/tmp'\n", {}, "[mail] outbx: unknown key (did you mean 'outbox'?)"),
    ("[strava]\nretries = -3\n", {}, "[strava] retries: should be greater than or equal to 0"),
    ("[thresholds.load_ramp]\nwarn_pct = -5\n", {}, "[thresholds.load_ramp] warn_pct: should be"),
    ("[thresholds.load_rmp]\nwarn_pct = 5\n", {}, "unknown factor 'load_rmp' (did you mean"),
    ("[athletes.anna]\nhr_max = -5\n", {}, "[athletes.anna] hr_max: should be greater than or"),
    ("[athletes.anna]\nhr_rest = 90\nhr_max = 150\nhr_max_ = 1\n", {}, "hr_max_: unknown key"),
    ("[athletes.anna]\nhr_rest = 100\nhr_max = 100\n", {}, "[athletes.anna]: hr_rest 100 is not"),
    ('nightly_at = "25:99"\n', {}, "nightly_at: '25:99' is not a time of day HH:MM"),
    ('[smtp]\nhost = "h"\nsecurity = "tls"\n', {}, "should be 'none', 'starttls' or 'ssl'"),
    ("", {"GAITLOAD_SMTP_PORT": "99999"}, "GAITLOAD_SMTP_PORT='99999': should be less than"),
    ("", {"STRAVA_CLIENT_ID": "my-app"}, "STRAVA_CLIENT_ID='my-app': should be a valid integer"),
    ("", {"GAITLOAD_LOCK_WIAT": "5"}, "GAITLOAD_LOCK_WIAT is not one gaitload reads (did you"),
    ("strava = 3\n", {}, "gaitload.toml: [strava]: should be a table, not 3"),
]


@pytest.mark.parametrize(("toml", "env", "message"), BAD_CONFIGS)
def test_every_wrong_setting_is_one_line_naming_file_section_and_key(tmp_path, toml, env, message):
    config = tmp_path / "gaitload.toml"
    config.write_text(toml)
    with pytest.raises(ConfigError) as caught:
        load_settings(env={"GAITLOAD_CONFIG": str(config), **env})
    text = str(caught.value)
    assert message in text
    assert "\n" not in text
    if not env:
        assert text.startswith(f"{config}: ")


@pytest.mark.parametrize(("toml", "env", "message"), BAD_CONFIGS[:12])
def test_the_cli_prints_the_config_error_with_its_brackets_and_no_traceback(
    tmp_path, toml, env, message
):
    config = tmp_path / "gaitload.toml"
    config.write_text(toml)
    result = CliRunner().invoke(
        cli,
        ["--db", str(tmp_path / "x.duckdb"), "activities"],
        env={"GAITLOAD_CONFIG": str(config), **env},
    )
    assert result.exit_code == 1
    assert message in result.output.replace("\n", "")
    assert "Traceback" not in result.output


def test_a_known_name_in_brackets_survives_the_terminal():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from gaitload.cli import GaitloadFailure as F; "
            "F('set email under [athletes.x] in gaitload.toml, see [strava] and [bold]').show()",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stderr.strip() == (
        "error: set email under [athletes.x] in gaitload.toml, see [strava] and [bold]"
    )


def test_every_key_of_a_full_config_is_read(tmp_path):
    """The schema is the one truth: every documented key is accepted and arrives."""
    config = tmp_path / "gaitload.toml"
    config.write_text(
        f"db = '{tmp_path / 'g.duckdb'}'\ndata_dir = '{tmp_path}'\ndefault_athlete = 'anna'\n"
        "timezone = 'Europe/Berlin'\nlock_wait_s = 5\nnightly_at = '04:30'\n"
        "[thresholds.load_ramp]\nwarn_pct = 15\n"
        "[athletes.anna]\ntimezone = 'Europe/Oslo'\nhr_rest = 48\nhr_max = 188\n"
        f"inbox = '{tmp_path}'\nemail = 'anna@example.org'\ncoach = 'c@example.org'\n"
        "[athletes.anna.thresholds.acwr]\ninfo_high = 1.4\n"
        "[strava]\nclient_id = 7\nhost = '127.0.0.1:1'\nretries = 0\nper_page = 50\n"
        "[mail]\nfrom = 'g@example.org'\nto = 'me@example.org'\n"
        "[smtp]\nhost = 'mail.example.org'\nsecurity = 'ssl'\nuser = 'u'\ntimeout_s = 9\n"
        "allow_plaintext_login = false\n"
    )
    s = load_settings(env={"GAITLOAD_CONFIG": str(config)})
    anna = s.athlete("anna")
    assert (s.db_path, s.default_athlete, s.default_timezone) == (
        tmp_path / "g.duckdb",
        "anna",
        "Europe/Berlin",
    )
    assert (s.lock_wait_s, s.nightly_at, s.thresholds) == (
        5.0,
        "04:30",
        {"load_ramp": {"warn_pct": 15.0}},
    )
    assert (anna.timezone, anna.hr_rest, anna.hr_max, anna.inbox) == (
        "Europe/Oslo",
        48,
        188,
        tmp_path,
    )
    assert (anna.email, anna.coach, anna.thresholds) == (
        "anna@example.org",
        "c@example.org",
        {"acwr": {"info_high": 1.4}},
    )
    assert (s.strava.client_id, s.strava.host, s.strava.retries, s.strava.per_page) == (
        7,
        "127.0.0.1:1",
        0,
        50,
    )
    assert (s.mail.mail_from, s.mail.alert_to) == ("g@example.org", "me@example.org")
    assert (s.mail.smtp.host, s.mail.smtp.port, s.mail.smtp.timeout_s) == (
        "mail.example.org",
        465,
        9,
    )


def test_the_configuration_reference_is_generated_from_the_schema():
    committed = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert committed == reference(), (
        "docs/configuration.md is out of date: "
        "python -m gaitload.config_schema > docs/configuration.md"
    )
    for var in variables():
        assert f"`{var}`" in committed


# --- secrets --------------------------------------------------------------------------


def test_secrets_toml_beside_a_config_given_with_config_is_read(tmp_path):
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "gaitload.toml").write_text('[smtp]\nhost = "127.0.0.1"\nuser = "u"\n')
    secrets = folder / "secrets.toml"
    secrets.write_text('smtp_password = "beside-the-config"\n')
    secrets.chmod(0o600)
    for settings in (
        load_settings(config=folder / "gaitload.toml", env={}),
        load_settings(env={"GAITLOAD_CONFIG": str(folder / "gaitload.toml")}),
    ):
        assert str(settings.mail.smtp.password) == "beside-the-config"
    secrets.chmod(0o644)
    with pytest.raises(ConfigError, match="readable by others"):
        load_settings(config=folder / "gaitload.toml", env={})
    secrets.chmod(0o600)
    secrets.write_text('smtp_pasword = "typo"\n')
    with pytest.raises(ConfigError, match=r"smtp_pasword: unknown key \(did you mean"):
        load_settings(config=folder / "gaitload.toml", env={})


def _smtp_settings(anna_env: dict, **smtp):
    from dataclasses import replace

    from gaitload.config import SmtpSettings

    base = load_settings(env=anna_env)
    values = {"port": 25, "security": "none", "user": USER, "password": PASSWORD, **smtp}
    return replace(base, mail=replace(base.mail, smtp=SmtpSettings(timeout_s=5.0, **values)))


@pytest.fixture
def no_connections(monkeypatch):
    """Any connection attempt is recorded and refused here: no packet leaves the test."""
    attempts: list = []

    def refuse(address, *args, **kwargs):
        attempts.append(address)
        raise ConnectionRefusedError("blocked by the test")

    def no_lookup(host, *args, **kwargs):
        attempts.append(("lookup", host))
        raise OSError("blocked by the test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", no_lookup)
    return attempts


def test_no_clear_text_smtp_login_off_this_machine_without_an_explicit_opt_in(
    anna_env, no_connections
):
    from gaitload.notify import send_alerts

    for host in ("mail.example.org", "192.0.2.10", "localhost.example.org"):
        with pytest.raises(ConfigError, match=r"refusing to send the SMTP password .* in clear"):
            send_alerts(_smtp_settings(anna_env, host=host), as_of=date(2026, 2, 20))
    assert no_connections == []  # refused before connecting, and before any name lookup
    opted_in = _smtp_settings(anna_env, host="mail.example.org", allow_plaintext_login=True)
    with pytest.raises(MailDeliveryError):
        send_alerts(opted_in, as_of=date(2026, 2, 20))
    assert [a[0] for a in no_connections] == ["mail.example.org"]  # it would have connected


def test_clear_text_login_is_allowed_on_loopback(anna_env):
    from gaitload.notify import send_alerts

    recorder = Recorder()
    server = Controller(
        recorder,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=recorder.authenticate,
        auth_require_tls=False,
    )
    server.start()
    try:
        settings = _smtp_settings(anna_env, host="127.0.0.1", port=server.port)
        assert send_alerts(settings, as_of=date(2026, 2, 20)).sent
    finally:
        server.stop()
    assert recorder.logins == [USER]


def test_the_opt_in_is_read_from_the_file_and_the_environment(tmp_path):
    config = tmp_path / "gaitload.toml"
    config.write_text('[smtp]\nhost = "relay.lan"\nsecurity = "none"\n')
    env = {"GAITLOAD_CONFIG": str(config)}
    assert load_settings(env=env).mail.smtp.allow_plaintext_login is False
    on = load_settings(env=env | {"GAITLOAD_SMTP_ALLOW_PLAINTEXT_LOGIN": "true"})
    assert on.mail.smtp.allow_plaintext_login is True
    config.write_text(config.read_text() + "allow_plaintext_login = true\n")
    assert load_settings(env=env).mail.smtp.allow_plaintext_login is True
    config.write_text(config.read_text().replace("= true", '= "maybe"'))
    with pytest.raises(ConfigError, match="allow_plaintext_login: should be a valid boolean"):
        load_settings(env=env)


def test_athletes_whose_names_share_a_slug_have_their_own_token_files(tmp_path):
    from gaitload.sources.strava import tokens
    from tests.conftest import make_settings

    settings = make_settings(tmp_path)
    names = ["a/b", "a_b", "a b", "../a_b", "A_B", "é", "ü"]
    for i, name in enumerate(names):
        tokens.save(settings, tokens.Tokens(name, f"access-{i}", f"refresh-{i}", 1))
    paths = {tokens.path_for(settings, n) for n in names}
    assert len(paths) == len(names)
    assert all(p.parent == settings.token_dir for p in paths)
    for i, name in enumerate(names):
        assert tokens.load(settings, name).access_token == f"access-{i}"
    assert sorted(tokens.connected_athletes(settings)) == sorted(names)
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in settings.token_dir.iterdir())


def test_a_token_file_under_the_old_name_is_moved_not_lost(tmp_path):
    import json

    from gaitload.sources.strava import tokens
    from tests.conftest import make_settings

    settings = make_settings(tmp_path)
    settings.token_dir.mkdir(mode=0o700)
    old = settings.token_dir / "a_b.json"  # how an athlete "a/b" was saved before
    old.write_text(
        json.dumps(
            {
                "athlete": "a/b",
                "access_token": "t",
                "refresh_token": "r",
                "expires_at": 1,
                "scope": "",
                "strava_athlete_id": None,
            }
        )
    )
    old.chmod(0o600)
    assert tokens.connected_athletes(settings) == ["a/b"]
    with pytest.raises(Exception, match="not connected"):
        tokens.load(settings, "a_b")  # the other athlete does not inherit it
    assert old.exists()
    assert tokens.load(settings, "a/b").access_token == "t"
    assert not old.exists()
    assert tokens.path_for(settings, "a/b").exists()
    assert tokens.connected_athletes(settings) == ["a/b"]
