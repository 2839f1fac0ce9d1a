"""Alert state on Anna's history: once per episode, again on escalation, resolved, withdrawn.

Anna (tests/histories.py): five steady weeks, then Saturday 14 Feb a 16 km run (+14 %,
warn) in a brand-new shoe (shoe_change), and Wednesday 18 Feb 33 km (+106 %): the same
long_run_spike episode, escalated to high. Emails go to the outbox here (no SMTP).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import duckdb
import pytest

from gaitload.config import load_settings
from gaitload.notify import outbox_files, send_alerts
from gaitload.rules import check_alerts, evaluate, record, recorded_alerts
from gaitload.store import db
from tests.builders import database_held_by_another_process
from tests.histories import SPIKE_HIGH, SPIKE_WARN


@pytest.fixture
def anna(anna_env):
    return load_settings(env=anna_env)


def q(settings, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def spike(settings):
    ((row),) = q(
        settings,
        "SELECT episode_id, severity, severity_since, status, resolved_on, delivery "
        "FROM alerts WHERE factor = 'long_run_spike'",
    )
    return row


def test_an_episode_is_emailed_once_and_again_only_when_it_escalates(anna):
    first = send_alerts(anna, as_of=SPIKE_WARN)
    assert len(first.sent) == 1
    episode_id, severity, since, status, _, delivery = spike(anna)
    assert (severity, since, status, delivery) == ("warn", SPIKE_WARN, "open", "sent")

    for day in (SPIKE_WARN + timedelta(days=1), SPIKE_WARN + timedelta(days=3)):
        assert send_alerts(anna, as_of=day).sent == []  # the same episode, still going on

    escalated = send_alerts(anna, as_of=SPIKE_HIGH)
    assert len(escalated.sent) == 1
    assert spike(anna)[:4] == (episode_id, "high", SPIKE_HIGH, "open")  # one episode
    assert send_alerts(anna, as_of=SPIKE_HIGH).sent == []
    notices = q(
        anna,
        "SELECT n.severity, m.status FROM core.alert_notices n "
        "JOIN core.alert_messages m USING (message_id) WHERE episode_id = ? ORDER BY 1 DESC",
        [episode_id],
    )
    assert notices == [("warn", "sent"), ("high", "sent")]
    files = outbox_files(anna)
    assert len(files) == 2
    assert "X-Gaitload-Factors: long_run_spike" in files[-1].read_text()


def test_an_episode_resolves_once_the_pattern_has_stayed_away(anna):
    send_alerts(anna, as_of=SPIKE_HIGH + timedelta(days=6))
    assert spike(anna)[3:5] == ("open", None)
    send_alerts(anna, as_of=SPIKE_HIGH + timedelta(days=7))
    assert spike(anna)[3:5] == ("resolved", SPIKE_HIGH + timedelta(days=7))


@pytest.mark.parametrize(
    ("first_run", "emailed", "past"),
    [
        (SPIKE_HIGH + timedelta(days=2), {"long_run_spike", "shoe_change"}, set()),
        (date(2026, 3, 31), set(), {"long_run_spike", "shoe_change"}),
    ],
    ids=["open-episodes-are-emailed", "a-backfill-records-old-ones-as-past"],
)
def test_a_first_run_over_the_whole_history_does_not_flood(anna, first_run, emailed, past):
    report = send_alerts(anna, as_of=first_run)
    rows = q(anna, "SELECT factor, delivery FROM alerts WHERE severity <> 'info'")
    assert {f for f, d in rows if d == "sent"} == emailed
    assert {f for f, d in rows if d == "past"} == past
    assert len(report.sent) == (1 if emailed else 0)  # one email per athlete and run
    assert len(outbox_files(anna)) == len(report.sent)


def test_recording_again_changes_nothing(anna):
    with db.opened(anna.db_path) as con:
        for _ in range(2):
            record(con, anna, evaluate(con, anna, as_of=SPIKE_HIGH))
    assert q(anna, "SELECT count(*) FROM core.alert_messages") == [(1,)]
    assert q(anna, "SELECT count(DISTINCT episode_id), count(*) FROM alerts") == [
        q(anna, "SELECT count(*), count(*) FROM core.alert_episodes")[0]
    ]
    ids = q(anna, "SELECT episode_id FROM alerts ORDER BY 1")
    with db.opened(anna.db_path) as con:
        record(con, anna, evaluate(con, anna, as_of=SPIKE_HIGH + timedelta(days=1)))
    assert q(anna, "SELECT episode_id FROM alerts ORDER BY 1") == ids


def test_raised_thresholds_withdraw_an_episode_and_lowering_them_revives_it(anna):
    send_alerts(anna, as_of=SPIKE_HIGH)
    episode_id = spike(anna)[0]
    lenient = replace(anna, thresholds={"long_run_spike": {"warn_pct": 150.0}})
    send_alerts(lenient, as_of=SPIKE_HIGH)
    assert q(anna, "SELECT status FROM core.alert_episodes WHERE episode_id = ?", [episode_id]) == [
        ("withdrawn",)
    ]
    assert [a.factor for a in recorded_alerts(anna)].count("long_run_spike") == 0
    again = send_alerts(anna, as_of=SPIKE_HIGH)  # back to the defaults
    assert spike(anna)[:2] == (episode_id, "high")  # the same episode, its email on record
    assert again.sent == []


def test_looking_back_records_nothing(anna):
    alerts = check_alerts(anna, as_of=SPIKE_HIGH)
    assert {(a.factor, a.severity) for a in alerts} >= {
        ("long_run_spike", "high"),
        ("shoe_change", "warn"),
    }
    assert all(a.episode_id is None and a.delivery is None for a in alerts)
    assert q(anna, "SELECT count(*) FROM core.alert_episodes") == [(0,)]
    assert [a.date for a in alerts] == sorted((a.date for a in alerts), reverse=True)


def test_today_is_recorded_and_since_filters(anna):
    alerts = check_alerts(anna)  # as of today: long after February, all resolved
    assert alerts and all(a.episode_id is not None and a.status == "resolved" for a in alerts)
    assert {a.delivery for a in alerts if a.severity != "info"} == {"past"}
    assert check_alerts(anna, since=date.today() + timedelta(days=1)) == []
    since = SPIKE_HIGH + timedelta(days=1)
    assert {a.factor for a in check_alerts(anna, since=since)} >= {"long_run_spike"}


def test_an_email_whose_episodes_were_all_withdrawn_is_cancelled_and_they_come_back(anna):
    with db.opened(anna.db_path) as con:
        record(con, anna, evaluate(con, anna, as_of=SPIKE_HIGH))  # queued, not sent yet
    lenient = replace(
        anna,
        thresholds={"long_run_spike": {"warn_pct": 150.0}, "shoe_change": {"warn_share_7d": 1.0}},
    )
    assert send_alerts(lenient, as_of=SPIKE_HIGH).sent == []
    assert q(anna, "SELECT status FROM core.alert_messages") == [("cancelled",)]
    assert outbox_files(anna) == []
    again = send_alerts(anna, as_of=SPIKE_HIGH)
    assert len(again.sent) == 1
    assert q(anna, "SELECT status FROM core.alert_messages ORDER BY created_at") == [
        ("cancelled",),
        ("sent",),
    ]
    assert {d for (d,) in q(anna, "SELECT delivery FROM alerts WHERE severity <> 'info'")} == {
        "sent"
    }


def test_recorded_alerts_read_the_snapshot_while_a_writer_holds_the_database(anna):
    send_alerts(anna, as_of=SPIKE_HIGH)  # a write session: it publishes the snapshot
    expected = [(a.factor, a.severity) for a in recorded_alerts(anna)]
    assert ("long_run_spike", "high") in expected
    with database_held_by_another_process(anna.db_path):
        assert [(a.factor, a.severity) for a in recorded_alerts(anna)] == expected
