"""The `gaitload` command as a user types it: real files, real database, its output read."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from gaitload.cli import cli
from gaitload.config import load_settings
from gaitload.demo.fitwriter import SessionSpec, write_fit
from gaitload.errors import ConfigError
from tests.builders import run_samples
from tests.test_import_edge_cases import SUMMER

README = Path(__file__).resolve().parents[1] / "README.md"


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_import_prints_a_summary_with_reasons(tmp_path):
    write_fit(tmp_path / "in" / "run.fit", SUMMER, [SessionSpec("running", run_samples())]) if (
        tmp_path / "in"
    ).mkdir() is None else None
    (tmp_path / "in" / "junk.fit").write_text("hello")
    db = tmp_path / "x.duckdb"
    result = run("--db", str(db), "import", str(tmp_path / "in"), "--athlete", "anna", "--quiet")
    assert result.exit_code == 0, result.output
    assert re.search(r"imported\s*│\s*1", result.output)
    assert re.search(r"rejected\s*│\s*1", result.output)
    assert "junk.fit: not a FIT file" in result.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT athlete, round(distance_m) FROM activities").fetchall() == [
            ("anna", 10080.0)
        ]


def test_import_of_only_bad_files_exits_non_zero(tmp_path):
    (tmp_path / "junk.fit").write_bytes(b"")
    result = run("--db", str(tmp_path / "x.duckdb"), "import", str(tmp_path / "junk.fit"))
    assert result.exit_code == 1
    assert "empty file" in result.output


def test_demo_writes_imports_and_shows_the_planted_ramp(tmp_path):
    result = run(
        "demo",
        "--end",
        "2026-11-20",  # the README's 16 weeks
        env={"GAITLOAD_DATA_DIR": str(tmp_path)},
    )
    assert result.exit_code == 0, result.output
    db = tmp_path / "demo.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:
        weeks = con.execute(
            "SELECT date_trunc('week', start_time_local)::DATE AS w, sum(distance_m) / 1000 "
            "FROM activities WHERE sport = 'running' GROUP BY w ORDER BY w"
        ).fetchall()
        surfaces = {
            r[0]
            for r in con.execute(
                "SELECT DISTINCT surface FROM activities WHERE sport = 'running'"
            ).fetchall()
        }
        sports = {r[0] for r in con.execute("SELECT DISTINCT sport FROM activities").fetchall()}
        alerts = con.execute(
            "SELECT factor, severity, date, status, delivery FROM alerts ORDER BY date"
        ).fetchall()
        pain = con.execute('SELECT "date", place, score, source FROM pain').fetchall()
    base = [km for _, km in weeks[:4]]
    assert max(km for _, km in weeks[-3:-1]) > 1.4 * (sum(base) / len(base))
    assert {"road", "trail", "track", "treadmill"} <= surfaces
    assert {"running", "cycling"} <= sports
    assert "Running by week" in result.output and "(so far)" in result.output
    # the planted block (from 2026-10-31) raises the alerts; the steady months before, none
    ramp_start = date(2026, 10, 31)
    warnings = [(f, s, d) for f, s, d, _, _ in alerts if s != "info"]
    assert warnings and all(d >= ramp_start for _, _, d in warnings)
    assert {f for f, _, _ in warnings} >= {
        "load_ramp",
        "long_run_spike",
        "hill_exposure",
        "bone_stress_pattern",
    }
    # her 18 days without rest are `info`: rest_days warns only runners who opt in
    # (`warn_opt_in`), since on real injuries it pointed the wrong way (docs/alerts.md)
    assert ("rest_days", "info", date(2026, 11, 6)) in [(f, s, d) for f, s, d, _, _ in alerts]
    assert "rest_days" not in {f for f, _, _ in warnings}
    assert ("long_run_spike", "high", date(2026, 11, 18)) in warnings
    # the runner's note on the last run: pain on the top of the foot after the ramp, read
    # from the FIT file, is possible bone stress; the demo looks back from it
    assert ("bone_stress_pain", "high", date(2026, 11, 20)) in warnings
    assert pain == [(date(2026, 11, 20), "right top of the foot", 4, "fit_notes")]
    assert "Pain reported on 2026-11-20: right top of the foot 4/10" in result.output
    assert "lookback --date 2026-11-20" in result.output
    assert "a handful proves nothing" in result.output
    # the first send is a backfill: what is still open is emailed, what ended more than
    # 7 days before is recorded as past
    assert {e for _, s, _, st, e in alerts if s != "info" and st == "open"} == {"sent"}
    assert {e for _, s, _, _, e in alerts if s != "info"} <= {"sent", "past"}
    outbox = sorted((tmp_path / "demo" / "outbox").glob("*.eml"))
    assert [p.name for p in outbox] == ["2026-11-20-demo-" + outbox[0].name[16:]]
    assert "Risk alerts as of 2026-11-20" in result.output
    assert f"alert email(s) in the outbox: {tmp_path / 'demo' / 'outbox'}" in result.output
    assert outbox[0].name in result.output
    # a second run starts afresh instead of mixing two timelines
    again = run(
        "demo", "--weeks", "6", "--end", "2026-11-13", env={"GAITLOAD_DATA_DIR": str(tmp_path)}
    )
    assert again.exit_code == 0
    with duckdb.connect(str(db), read_only=True) as con:
        (latest,) = con.execute("SELECT max(start_time_local)::DATE FROM activities").fetchone()
    assert str(latest) <= "2026-11-13"
    assert [p.name[:10] for p in (tmp_path / "demo" / "outbox").glob("*.eml")] == ["2026-11-13"]


def test_demo_refuses_to_empty_a_folder_it_did_not_make(tmp_path):
    mine = tmp_path / "my-runs"
    mine.mkdir()
    (mine / "precious.fit").write_bytes(b"x")
    result = CliRunner().invoke(
        cli, ["demo", "--dir", str(mine)], env={"GAITLOAD_DATA_DIR": str(tmp_path)}
    )
    assert result.exit_code != 0
    assert (mine / "precious.fit").exists()


def test_every_command_is_in_the_readme():
    text = README.read_text()
    for name in cli.commands:
        assert f"gaitload {name}" in text, f"`gaitload {name}` is not documented in README.md"


def test_settings_precedence_flag_then_env_then_file(tmp_path):
    config = tmp_path / "gaitload.toml"
    config.write_text(
        'db = "/from/file.duckdb"\ndefault_athlete = "anna"\n'
        '[athletes.anna]\ntimezone = "Europe/Berlin"\n'
    )
    env = {"GAITLOAD_CONFIG": str(config)}
    assert str(load_settings(env=env).db_path) == "/from/file.duckdb"
    env["GAITLOAD_DB"] = "/from/env.duckdb"
    assert str(load_settings(env=env).db_path) == "/from/env.duckdb"
    assert str(load_settings(db="/from/flag.duckdb", env=env).db_path) == "/from/flag.duckdb"
    assert load_settings(env=env).timezone_of("anna") == "Europe/Berlin"
    assert load_settings(env=env).default_athlete == "anna"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[athletes.anna]\ntimezone = "Mars/Olympus"\n', "unknown time zone 'Mars/Olympus'"),
        ("db = [unclosed\n", "is not valid TOML"),
    ],
)
def test_bad_config_is_one_clear_error(tmp_path, toml, message):
    config = tmp_path / "gaitload.toml"
    config.write_text(toml)
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings(env={"GAITLOAD_CONFIG": str(config)})


DEMO_END = "2026-11-20"
QUERIES = sorted((Path(__file__).resolve().parents[1] / "docs" / "queries").glob("*.sql"))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    result = run("demo", "--end", DEMO_END, env={"GAITLOAD_DATA_DIR": str(root)})
    assert result.exit_code == 0, result.output
    run(
        "--db",
        str(root / "demo.duckdb"),
        "shoe",
        "add",
        "Pegasus",
        "--athlete",
        "demo",
        "--from",
        "2026-09-01",
    )
    return root / "demo.duckdb"


@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.name)
def test_documented_queries_run_and_answer_on_the_demo(demo_db, query):
    # asked on the demo's last day: "this year" is the demo's year, whatever today is
    text = query.read_text().replace("current_date", f"DATE '{DEMO_END}'")
    with duckdb.connect(str(demo_db), read_only=True) as con:
        rows = con.execute(text).fetchall()
    assert rows, f"{query.name} found nothing in the demo's history"


def test_every_documented_query_is_listed_in_the_schema_doc():
    text = (README.parent / "docs" / "schema.md").read_text()
    assert len(QUERIES) >= 5
    for query in QUERIES:
        assert query.name in text


def test_shoe_distance_counts_runs_from_its_first_day(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        ((runs, km),) = con.execute(
            "SELECT runs, distance_m / 1000 FROM gear_usage WHERE name = 'Pegasus'"
        ).fetchall()
        ((expected_runs, expected_km),) = con.execute(
            "SELECT count(*), sum(distance_m) / 1000 FROM activities WHERE sport = 'running' "
            "AND start_time_local >= '2026-09-01'"
        ).fetchall()
    assert (runs, km) == (expected_runs, pytest.approx(expected_km))
    assert runs > 30


def test_alerts_lists_newest_first_as_json_and_looking_back_records_nothing(anna_env):
    result = run("alerts", "--as-of", "2026-02-20", "--json", env=anna_env)
    assert result.exit_code == 0, result.output
    alerts = json.loads(result.output)
    assert {"athlete", "factor", "severity", "date", "message", "evidence"} <= set(alerts[0])
    assert [a["date"] for a in alerts] == sorted((a["date"] for a in alerts), reverse=True)
    spike = next(a for a in alerts if a["factor"] == "long_run_spike")
    assert (spike["athlete"], spike["severity"], spike["date"]) == ("anna", "high", "2026-02-14")
    assert spike["evidence"]["run_km"] == 33 and spike["evidence"]["spike_pct"] == 106
    assert spike["basis"].startswith("Frandsen")
    with duckdb.connect(anna_env["GAITLOAD_DB"], read_only=True) as con:
        assert con.execute("SELECT count(*) FROM alerts").fetchall() == [(0,)]

    text = " ".join(run("alerts", "--as-of", "2026-02-20", env=anna_env).output.split())
    assert "HIGH long_run_spike anna, open" in text
    assert "33 km, 106 % longer than your longest run" in text
    later = json.loads(
        run(
            "alerts", "--as-of", "2026-03-31", "--since", "2026-02-26", "--json", env=anna_env
        ).output
    )
    assert "long_run_spike" not in {a["factor"] for a in later}  # resolved on 25 February
    assert "No alerts." in run("alerts", "--athlete", "nobody", env=anna_env).output


def test_alerts_send_writes_the_outbox_and_lists_what_was_recorded(anna_env, tmp_path):
    result = run("alerts", "--send", "--as-of", "2026-02-20", env=anna_env)
    assert result.exit_code == 0, result.output
    assert f"1 new alert email(s) written to {tmp_path / 'outbox'}" in result.output
    assert "anna, open, email sent" in result.output
    again = run("alerts", "--send", "--as-of", "2026-02-20", env=anna_env)
    assert "0 new alert email(s)" in again.output
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1


def test_alerts_without_a_database_say_so_and_create_none(tmp_path):
    db = tmp_path / "typo.duckdb"
    for args in (["alerts"], ["alerts", "--send"]):
        result = CliRunner().invoke(cli, ["--db", str(db), *args])
        assert result.exit_code == 1  # one line, not a traceback
        assert "import something first" in result.output
    assert not db.exists()
