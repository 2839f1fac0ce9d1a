"""The pain-aware rules on built histories: each must fire where it should, and stay quiet.

Histories are real FIT files (tests/histories.py: athletes on UTC, the steady week is 36 km
with the same runs every week, so a steady 7-day distance never rises); pain entries go
through the journal as `gaitload pain add` would.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from gaitload.pain import add_pain
from gaitload.rules import check_alerts, evaluate
from gaitload.store import db
from gaitload.store.reading import reading
from tests.conftest import make_settings
from tests.histories import (
    WEEK6,
    Run,
    athlete_settings,
    build,
    day,
    replace_week,
    steady_week,
    steady_weeks,
)

AS_OF = date(2026, 5, 31)
RAMP = replace_week(
    steady_weeks(6, ride=False),
    6,
    [Run(day(6, 1), 10), Run(day(6, 2), 10), Run(day(6, 3), 10, "trail", 60), Run(day(6, 5), 14)],
)
"""load_ramp warns on Sat 14 and Sun 15 Feb (44 km against 36 by Saturday): test_rules."""
STREAK = [*steady_weeks(5), *[Run(WEEK6 + timedelta(days=i), 7) for i in range(10)]]
"""rest_days warns (once opted in) from Fri 13 Feb (no rest day in 7): test_rules."""


def hills_week(week: int) -> list:
    """The steady week with its Thursday trail run made a hill session (120 m on 8 km)."""
    plan = steady_week(week)
    return [
        Run(day(week, 3), 8, "trail", 120) if getattr(p, "surface", "") == "trail" else p
        for p in plan
    ]


SCENARIOS: dict[str, tuple[list, list[dict]]] = {
    "heel_week": (
        steady_weeks(4),
        [
            dict(where="heel", side="left", score=3, day=day(3, 1)),
            dict(where="heel", side="left", score=3, day=day(4, 1)),  # a week later: persists
        ],
    ),
    "brief": (
        steady_weeks(4),
        [
            dict(where="arch", score=3, day=day(3, 1)),
            dict(where="arch", score=3, day=day(3, 4)),
            dict(where="arch", score=0, day=day(3, 6)),  # gone: the next one starts again
            dict(where="arch", score=2, day=day(4, 3)),
            dict(where="knee", score=3, day=day(1, 2)),
            dict(where="knee", score=3, day=day(3, 5)),  # 17 days later: a new episode
        ],
    ),
    "rising": (
        steady_weeks(4),
        [
            dict(where="ball", side="right", score=2, day=day(3, 0)),
            dict(where="ball", side="right", score=4, day=day(3, 2)),  # +2: rising
            dict(where="ball", side="right", score=8, day=day(3, 4)),  # severe
        ],
    ),
    "top_after_ramp": (
        [*RAMP, *[p for w in range(7, 11) for p in steady_week(w, ride=False)]],
        [
            dict(where="top", side="right", score=4, day=day(7, 1)),  # 2 days after the ramp
            dict(where="top", side="right", score=4, day=day(10, 1)),  # 23 days after it
        ],
    ),
    "top_without_load": (
        steady_weeks(6),
        [dict(where="top", side="right", score=4, day=day(6, 1))],
    ),
    "bone_after_streak": (
        STREAK,
        [
            dict(where="shin", side="left", score=5, bone=True, day=date(2026, 2, 20)),
            dict(where="shin", side="right", score=5, day=date(2026, 2, 20)),  # not a bone
        ],
    ),
    "return_fast": (
        [*steady_weeks(5), Run(day(7, 1), 8), Run(day(7, 3), 8), Run(day(7, 5), 10)],
        [dict(where="general", score=4, day=day(6, 0))],  # then a week off
    ),
    "return_steady": (
        steady_weeks(9),
        [dict(where="general", score=3, day=day(6, 0))],
    ),
    "hills_in_recovery": (
        [*steady_weeks(5), *hills_week(6), *steady_weeks(7)[-5:]],
        [dict(where="achilles", side="left", score=3, day=day(6, 0))],
    ),
}


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    root = tmp_path_factory.mktemp("pain_rules")
    settings = athlete_settings(make_settings(root), list(SCENARIOS))
    # rest_days warns only a runner who opted in (docs/alerts.md); this one has
    opted = replace(
        settings.athletes["bone_after_streak"], thresholds={"rest_days": {"warn_opt_in": 1.0}}
    )
    settings = replace(settings, athletes={**settings.athletes, "bone_after_streak": opted})
    for athlete, (plan, entries) in SCENARIOS.items():
        build(settings, root / "fit", athlete, plan)
        for entry in entries:
            add_pain(settings, athlete=athlete, **entry)
    return settings


@pytest.fixture(scope="module")
def episodes(history):
    with db.opened(history.db_path) as con:
        return evaluate(con, history, as_of=AS_OF).episodes


def found(episodes, athlete: str, factor: str) -> list:
    return [e for e in episodes if e.athlete == athlete and e.factor == factor]


def test_pain_persisting_a_week_warns_with_the_place_as_subject(episodes):
    (episode,) = found(episodes, "heel_week", "persistent_pain")
    assert (episode.subject, episode.severity, episode.opened_on) == (
        "left heel",
        "warn",
        day(4, 1),
    )
    assert episode.evidence["days"] == 7 and episode.evidence["started_on"] == str(day(3, 1))
    assert "7 days after it started on 2026-01-20" in episode.message
    assert "See a doctor or physiotherapist" in episode.message


def test_brief_or_interrupted_pain_does_not_persist(episodes):
    assert found(episodes, "brief", "persistent_pain") == []


def test_rising_pain_warns_then_escalates_to_high_when_severe(episodes):
    (episode,) = found(episodes, "rising", "persistent_pain")
    assert (episode.opened_on, episode.opened_severity) == (day(3, 2), "warn")
    assert (episode.severity, episode.severity_since) == ("high", day(3, 4))
    assert episode.evidence["rising"] and episode.evidence["severe"]
    assert "it has risen from 2/10" in episode.message and "severe pain" in episode.message


def test_top_of_foot_after_a_load_ramp_is_possible_bone_stress(episodes):
    (episode,) = found(episodes, "top_after_ramp", "bone_stress_pain")
    assert (episode.subject, episode.severity) == ("right top", "high")
    assert episode.opened_on == episode.last_seen == day(7, 1)  # not the one 23 days later
    assert {"factor": "load_ramp", "day": "2026-02-15"} in episode.evidence["factors"]
    assert "professional diagnosis is essential" in episode.message
    assert "weekly distance rising fast (2026-02-15)" in episode.message


def test_top_of_foot_pain_without_a_load_pattern_is_not_called_bone_stress(episodes):
    assert found(episodes, "top_without_load", "bone_stress_pain") == []


def test_point_pain_on_a_bone_after_days_without_rest(episodes):
    (episode,) = found(episodes, "bone_after_streak", "bone_stress_pain")
    assert episode.subject == "left shin"  # the right shin was not pain on a bone
    assert episode.evidence["bone"] is True
    assert {f["factor"] for f in episode.evidence["factors"]} == {"rest_days", "load_ramp"}


def test_heel_pain_gives_the_plantar_fascia_notes_once_per_episode(episodes):
    (episode,) = found(episodes, "heel_week", "heel_pain")
    assert (episode.opened_on, episode.last_seen) == (day(3, 1), day(4, 1))
    assert "plantar fascia" in episode.message and "15-20 minutes" in episode.message
    assert [e for e in episodes if e.factor == "heel_pain" and e.athlete != "heel_week"] == []


def test_volume_returning_fast_after_pain_warns(episodes):
    (episode,) = found(episodes, "return_fast", "recovery_ramp")
    # Sat 21 Feb: 8 + 8 + 10 = 26 km in the 7 days against Sun 8 Feb's 6 km the 7 before
    assert episode.opened_on == date(2026, 2, 21)
    evidence = episode.evidence
    assert (evidence["distance_7d_km"], evidence["distance_prev_7d_km"]) == (26, 6)
    assert (evidence["change_km"], evidence["change_pct"]) == (20, 333)
    assert evidence["pain_day"] == str(day(6, 0)) and evidence["place"] == "foot (general)"


def test_a_steady_return_after_pain_is_not_an_alert(episodes):
    assert found(episodes, "return_steady", "recovery_ramp") == []
    assert found(episodes, "return_steady", "persistent_pain") == []


def test_a_hill_session_while_recovering_from_pain_warns(episodes):
    (episode,) = found(episodes, "hills_in_recovery", "recovery_ramp")
    assert episode.opened_on == day(6, 3)
    assert episode.evidence["hill_session_day"] == str(day(6, 3))
    assert episode.evidence["volume_rise"] is False
    assert "no hill workouts while you recover" in episode.message
    # the same hill session in a week without pain (week 7's Thursday is flat) is no alert
    assert found(episodes, "hills_in_recovery", "hill_exposure") == []


def test_pain_alerts_are_recorded_in_the_alerts_view(history):
    check_alerts(history, athlete="heel_week")
    with reading(history.db_path) as r:
        rows = r.con.execute(
            "SELECT factor, subject, severity FROM alerts WHERE athlete = 'heel_week' "
            "AND factor IN ('persistent_pain', 'heel_pain') ORDER BY factor"
        ).fetchall()
    assert rows == [("heel_pain", "left heel", "warn"), ("persistent_pain", "left heel", "warn")]
