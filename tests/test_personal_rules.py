"""The thresholds that read the athlete's own history (tuned on real injuries: docs/alerts.md).

Built through the writer from day plans (no FIT files): day 0 is Monday 5 January 2026.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from gaitload import metrics
from gaitload.config import AthleteSettings
from gaitload.rules import evaluate
from gaitload.sources.model import ParsedFile
from gaitload.store import db, writer
from tests.conftest import make_settings
from tests.test_backtest import DAY0, run

WEEK = (0, 2, 4, 6)  # Mon, Wed, Fri, Sun


def varied_then_double() -> list[tuple[int, float]]:
    """Weeks alternating 30 and 40 km for 14 weeks (her usual rise: +33 %), then 80 km."""
    plan = []
    for week in range(15):
        km = 80 if week == 14 else (30 if week % 2 == 0 else 40)
        plan += [(week * 7 + d, km / 4) for d in WEEK]
    return plan


def daily_runner() -> list[tuple[int, float]]:
    """Runs every day for 12 weeks, 10 km: never a rest day."""
    return [(d, 10.0) for d in range(84)]


def steady_then_streak() -> list[tuple[int, float]]:
    """Three rest days a week for 8 weeks, then 10 days in a row."""
    return [(week * 7 + d, 8.0) for week in range(8) for d in WEEK] + [
        (56 + d, 8.0) for d in range(10)
    ]


PLANS = {"varied": varied_then_double, "daily": daily_runner, "streak": steady_then_streak}


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    root = tmp_path_factory.mktemp("personal")
    settings = make_settings(root, athletes={n: AthleteSettings(n, "UTC") for n in PLANS})
    with db.opened(settings.db_path) as con:
        for name, plan in PLANS.items():
            athlete_id, _ = writer.ensure_athlete(con, settings.athlete(name), "UTC")
            runs = [run(name, i, km) for i, km in plan()]
            parsed = ParsedFile(Path(f"{name}.plan"), f"sha-{name}", "activity", activities=runs)
            writer.save(con, parsed, athlete_id, run_id="test", source="test")
        metrics.refresh(con, full=True)
    return settings


def warnings(settings, athlete: str, factor: str, since: int = 0, **thresholds) -> list:
    """Warnings opened from day `since` on."""
    if thresholds:
        settings = make_settings(
            settings.data_dir,
            db_path=settings.db_path,
            athletes=settings.athletes,
            thresholds={factor: thresholds},
        )
    with db.opened(settings.db_path, read_only=True) as con:
        episodes = evaluate(con, settings, as_of=DAY0 + timedelta(days=110), athlete=athlete)
    return [
        e
        for e in episodes.episodes
        if e.factor == factor
        and e.severity != "info"
        and e.opened_on >= DAY0 + timedelta(days=since)
    ]


def test_a_ramp_within_her_usual_variation_does_not_warn(history):
    """From week 3 she has a usual (before it, the fixed 10 % holds)."""
    assert warnings(history, "varied", "load_ramp", since=14) == []
    # under the fixed 10 % (usual_factor 0, no peak: the rule before) every 40 km week warns:
    # weeks 3, 5, ..., 13, and the 80 km week 14 continues week 13's episode
    fixed = warnings(history, "varied", "load_ramp", since=14, usual_factor=0, peak_pct=-100)
    assert len(fixed) == 6 and fixed[-1].last_seen >= DAY0 + timedelta(weeks=14)
    assert fixed[-1].evidence["usual_rise_pct"] == 33 and fixed[-1].evidence["bar_pct"] == 10


def test_a_ramp_far_beyond_her_usual_warns(history):
    """+100 % against a usual +33 %: warned once the bar is 2x her usual (67 %)."""
    (ramp,) = warnings(history, "varied", "load_ramp", since=14, usual_factor=2)
    assert ramp.evidence["bar_pct"] == 67 and ramp.evidence["change_pct"] > 67


def test_a_runner_who_never_rests_is_not_warned_every_week(history):
    assert warnings(history, "daily", "rest_days", warn_opt_in=1) == []
    assert warnings(history, "daily", "rest_days", warn_opt_in=1, warn_usual_rest_days_28d=0) != []


def test_a_streak_is_only_information_unless_the_runner_opts_in(history):
    """Demoted (docs/alerts.md): on real injuries the warning pointed the wrong way."""
    assert warnings(history, "streak", "rest_days") == []
    with db.opened(history.db_path, read_only=True) as con:
        episodes = evaluate(con, history, as_of=DAY0 + timedelta(days=110), athlete="streak")
    streaks = [e for e in episodes.episodes if e.factor == "rest_days"]
    assert streaks and {e.severity for e in streaks} == {"info"}
    # the first 7 days without rest end on day 61 (see the opt-in test below)
    assert any(e.opened_on <= DAY0 + timedelta(61) <= e.last_seen for e in streaks)


def test_a_week_past_her_bar_but_within_her_peak_is_only_information(history):
    """Weeks of 30 and 40 km: under the fixed 10 % a 40 km week passes the bar, but it is no
    more than her highest week, so it is info; the 80 km week is new load and warns."""
    with db.opened(history.db_path, read_only=True) as con:
        episodes = evaluate(con, usual_factor_zero(history), as_of=DAY0 + timedelta(days=110))
    ramps = [
        e
        for e in episodes.episodes
        if e.athlete == "varied" and e.factor == "load_ramp" and e.opened_on >= DAY0 + timedelta(14)
    ]
    assert {e.opened_severity for e in ramps} == {"info"}
    (warned,) = [e for e in ramps if e.severity == "warn"]
    assert warned.severity_since >= DAY0 + timedelta(weeks=14)
    assert warned.evidence["peak_week_km"] == 40 and warned.evidence["week_km"] > 40


def usual_factor_zero(settings):
    return make_settings(
        settings.data_dir,
        db_path=settings.db_path,
        athletes=settings.athletes,
        thresholds={"load_ramp": {"usual_factor": 0}},
    )


def test_a_runner_who_usually_rests_is_warned_of_a_streak_once_she_opts_in(history):
    (streak,) = warnings(history, "streak", "rest_days", warn_opt_in=1)
    assert streak.evidence["usual_rest_days_28d"] == 12
    assert streak.severity == "warn"
    # the streak starts on Sunday, day 55: days 55-61 are the first 7 without rest
    assert streak.severity_since == DAY0 + timedelta(days=61)
