"""The rule catalogue, its docs and the brief agree; every rule runs on an empty history."""

from __future__ import annotations

import re
from datetime import timedelta
from importlib.resources import files
from pathlib import Path

import pytest

from gaitload.config import load_settings
from gaitload.rules import evaluate
from gaitload.rules.catalogue import catalogue
from gaitload.rules.messages import number
from gaitload.store import db, writer
from tests.histories import SPIKE_HIGH, athlete_settings

ROOT = Path(__file__).resolve().parents[1]
BRIEF = ROOT.parent / "shared" / "docs" / "risk-factors.md"


def test_the_catalogue_has_exactly_the_factors_of_the_brief():
    if not BRIEF.exists():
        pytest.skip(f"the risk-factors brief is not at {BRIEF}")
    table = BRIEF.read_text().split("## The factors", 1)[1].split("\n\n", 2)[1]
    brief = re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.MULTILINE)
    assert len(brief) == 11
    assert list(catalogue().load_factors) == brief


@pytest.mark.parametrize("factor", list(catalogue().rules))
def test_every_rule_is_documented_with_its_defaults(factor):
    rule = catalogue().rules[factor]
    assert rule.basis_kind in ("study", "article")
    if rule.basis_kind == "article":
        assert rule.basis.startswith("The article's advice")
    assert all(key in catalogue().advice for key in rule.advice)
    docs = (ROOT / "docs" / "alerts.md").read_text()
    assert f"| `{factor}` |" in docs
    for name, threshold in rule.thresholds.items():
        if name != "clear_days":
            assert f"`{name} = {number(threshold.value)}`" in docs, name
    sql = files("gaitload.rules.sql") / f"{factor}.sql"
    assert sql.is_file()


def test_every_column_of_the_alerts_view_is_documented(tmp_path):
    with db.opened(tmp_path / "empty.duckdb") as con:
        columns = [r[0] for r in con.execute("DESCRIBE alerts").fetchall()]
    schema = (ROOT / "docs" / "schema.md").read_text().split("## `alerts`", 1)[1]
    assert len(columns) > 20
    for column in columns:
        assert f"| `{column}` |" in schema, column


def test_every_rule_runs_on_an_athlete_without_activities(anna_env):
    """Evaluated beside Anna, whose history opens episodes, an empty history opens none."""
    settings = athlete_settings(load_settings(env=anna_env), ["tester"])
    as_of = SPIKE_HIGH + timedelta(days=1)
    with db.opened(settings.db_path) as con:
        writer.ensure_athlete(con, settings.athlete("tester"), "UTC")
        evaluation = evaluate(con, settings, as_of=as_of)
    assert evaluation.as_of == {"anna": as_of, "tester": as_of}
    opened = {(e.athlete, e.factor) for e in evaluation.episodes}
    assert ("anna", "long_run_spike") in opened
    assert {athlete for athlete, _ in opened} == {"anna"}


@pytest.mark.parametrize("view", ["pain", "pain_episodes", "pain_load", "pain_notes_unread"])
def test_every_column_of_the_pain_views_is_documented(tmp_path, view):
    with db.opened(tmp_path / "empty.duckdb") as con:
        columns = [r[0] for r in con.execute(f"DESCRIBE {view}").fetchall()]
    section = (ROOT / "docs" / "schema.md").read_text().split(f"### `{view}`", 1)[1]
    section = section.split("\n### ", 1)[0].split("\n## ", 1)[0]
    for column in columns:
        assert f"`{column}`" in section, column


def test_the_pain_load_view_leaves_out_exactly_the_pain_rules():
    views = (files("gaitload.pain") / "views.sql").read_text()
    listed = re.search(r"a\.factor NOT IN \(([^)]*)\)", views)[1]
    pain_rules = {f for f, rule in catalogue().rules.items() if rule.group == "pain"}
    assert set(re.findall(r"'([a-z_]+)'", listed)) == pain_rules
