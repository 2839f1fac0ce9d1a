"""Strava sync against the fake Strava over HTTPS: units, time, resume points, every fault."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from gaitload.errors import StravaAppInactive
from gaitload.sources.strava import source as strava
from gaitload.sources.strava import tokens
from tests.builders import run_samples
from tests.conftest import strava_settings
from tests.fake_strava import run

START = datetime(2026, 7, 14, 12, 0, tzinfo=UTC)
DETAIL = r"/api/v3/activities/\d+"
STREAMS = r"/api/v3/activities/\d+/streams"
SHOE = {
    "id": "g100",
    "name": "Pegasus 40",
    "distance": 412345.0,
    "primary": True,
    "retired": False,
    "brand_name": "Nike",
    "model_name": "Pegasus 40",
}


def rows(settings, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def history(fake, n: int = 12) -> list[int]:
    """n short runs (61 points each) on n days, in the athlete's one pair of shoes."""
    if "g100" not in fake.gear:
        fake.add_gear(SHOE)
    ids = []
    for i in range(n):
        samples = run_samples(n=61, interval=5)
        fake.add(run(1000 + i, START + timedelta(days=i), samples=samples))
        ids.append(1000 + i)
    return ids


@pytest.fixture
def settings(tmp_path, fake_strava):
    return strava_settings(tmp_path, fake_strava)


def connect(settings, fake, athlete: str = "tester") -> tokens.Tokens:
    return strava.login(settings, athlete, code=fake.issue_code())


def synced_ids(settings) -> list[int]:
    return [r[0] for r in rows(settings, "SELECT strava_id FROM activities ORDER BY strava_id")]


def cursor(settings):
    return rows(settings, "SELECT cursor_start_utc FROM strava_sync")[0][0]


def test_first_sync_backfills_with_strava_units_time_and_notes(settings, fake_strava):
    ids = history(fake_strava, 7)
    fake_strava.add(
        run(2000, START - timedelta(days=30), sport_type="TrailRun", samples=run_samples(n=61))
    )
    fake_strava.add(
        run(
            2001,
            START - timedelta(days=29),
            trainer=True,
            samples=run_samples(n=61),
            timezone="(GMT+01:00) Europe/Zurich",
            utc_offset_s=7200,
        )
    )
    fake_strava.add(run(2002, START - timedelta(days=28), manual=True, gear_id=None))
    fake_strava.add(
        run(
            2003,
            START - timedelta(days=27),
            sport_type="Ride",
            gear_id="b7",
            samples=run_samples(n=61),
        )
    )
    fake_strava.add_gear(
        {"id": "b7", "name": "Old bike", "distance": 1000.0, "primary": False, "retired": True},
        listed=False,
    )
    connect(settings, fake_strava)

    (report,) = strava.sync(settings)

    assert (report.new, report.stopped, report.error, report.caught_up) == (11, None, None, True)
    assert synced_ids(settings) == sorted([*ids, 2000, 2001, 2002, 2003])
    assert cursor(settings) == (START + timedelta(days=6)).replace(tzinfo=None)
    (first,) = rows(
        settings,
        "SELECT sport, surface, avg_cadence_spm, utc_offset_min, offset_source, start_time_local,"
        " gear_id, description, private_note, samples, strava_sport_type, source "
        "FROM activities WHERE strava_id = 1000",
    )
    assert first == (
        "running",
        None,
        170.6,
        -360,
        "strava",
        datetime(2026, 7, 14, 6, 0),
        "strava:g100",
        "easy, left shin a bit sore",
        "felt tired",
        61,
        "Run",
        "strava",
    )
    assert rows(
        settings,
        "SELECT a.timezone FROM core.activities a JOIN activities v USING (activity_id) "
        "WHERE v.strava_id = 1000",
    ) == [("America/Denver",)]
    # the cadence stream counts strides for runs: doubled once, to steps
    ((spm, grade, moving),) = rows(
        settings,
        "SELECT round(avg(cadence_spm)), avg(grade_pct), bool_and(moving) FROM samples "
        "JOIN activities USING (activity_id) WHERE strava_id = 1000",
    )
    assert (spm, grade, moving) == (171.0, 0.5, True)
    by_id = dict(rows(settings, "SELECT strava_id, surface FROM activities"))
    assert (by_id[2000], by_id[2001], by_id[2003]) == ("trail", "treadmill", None)
    assert rows(settings, "SELECT utc_offset_min FROM activities WHERE strava_id = 2001") == [
        (120,)
    ]
    assert rows(
        settings,
        "SELECT sport, samples, totals_source, distance_m FROM activities "
        "WHERE strava_id IN (2002, 2003) ORDER BY strava_id",
    ) == [("running", 0, "manual", 5000.0), ("cycling", 61, "session", 840.0)]
    assert rows(settings, "SELECT gear_id, kind, name, source_distance_m FROM gear ORDER BY 1") == [
        ("strava:b7", "bike", "Old bike", 1000.0),
        ("strava:g100", "shoe", "Pegasus 40", 412345.0),
    ]
    assert rows(settings, "SELECT backfill_done, strava_athlete_id FROM strava_sync") == [
        (True, 1234567)
    ]

    # the next night: nothing new, nothing fetched twice, nothing duplicated
    before = fake_strava.count(DETAIL)
    (again,) = strava.sync(settings)
    assert (again.new, again.updated, again.deleted, again.reconciled) == (0, 0, 0, True)
    assert fake_strava.count(DETAIL) == before
    assert rows(settings, "SELECT count(*) FROM activities") == [(11,)]


def test_spent_budget_stops_cleanly_and_the_next_run_resumes_without_a_429(settings, fake_strava):
    ids = history(fake_strava, 12)
    connect(settings, fake_strava)
    fake_strava.short_limit = 12  # athlete + 1 listing + 5 activities x 2 = 12

    (first,) = strava.sync(settings)

    assert first.stopped and "15-minute request limit" in first.stopped
    assert fake_strava.count(r".*", status=429) == 0  # stopped before Strava had to say no
    assert synced_ids(settings) == ids[:5]
    assert cursor(settings) == (START + timedelta(days=4)).replace(tzinfo=None)
    assert "15-minute" in rows(settings, "SELECT last_stop_reason FROM strava_sync")[0][0]
    fake_strava.new_window()

    (second,) = strava.sync(settings)
    fake_strava.new_window()
    (third,) = strava.sync(settings)

    assert (second.stopped is not None, third.stopped, third.caught_up) == (True, None, True)
    assert synced_ids(settings) == ids
    assert rows(settings, "SELECT last_stop_reason FROM strava_sync") == [(None,)]
    assert fake_strava.count(DETAIL) == len(ids)  # each activity fetched exactly once
    assert fake_strava.count(r".*", status=429) == 0


def test_a_spent_window_is_waited_out_within_the_allowed_time(tmp_path, fake_strava):
    settings = strava_settings(tmp_path, fake_strava, max_wait_s=1800)
    ids = history(fake_strava, 8)
    connect(settings, fake_strava)
    fake_strava.short_limit = 10
    waits = []

    def sleep(seconds: float) -> None:  # time passes: Strava opens the next window
        waits.append(seconds)
        if seconds > 1:
            fake_strava.new_window()

    (report,) = strava.sync(settings, sleep=sleep)

    assert report.stopped is None and synced_ids(settings) == ids
    assert waits and all(0 < w <= 901 for w in waits)


def test_daily_limit_spent_stops_without_waiting(settings, fake_strava):
    history(fake_strava, 3)
    connect(settings, fake_strava)
    fake_strava.daily_usage = fake_strava.daily_limit - 3
    waits = []
    (report,) = strava.sync(settings, sleep=waits.append, max_wait_s=10_000)
    assert report.stopped and "daily request limit" in report.stopped
    assert [w for w in waits if w > 1] == []
    assert fake_strava.count(r".*", status=429) == 0


def test_a_429_that_happens_anyway_is_retried_with_backoff(settings, fake_strava):
    ids = history(fake_strava, 6)
    connect(settings, fake_strava)
    fake_strava.fail(r"/api/v3/activities/1003", status=429, times=2)

    (report,) = strava.sync(settings)

    assert report.stopped is None and synced_ids(settings) == ids
    assert fake_strava.count("/api/v3/activities/1003") == 3
    assert rows(settings, "SELECT count(*) FROM samples") == [(6 * 61,)]


def test_a_429_because_another_program_spent_the_window_stops_at_the_right_place(
    settings, fake_strava
):
    ids = history(fake_strava, 6)
    connect(settings, fake_strava)

    def spend_window(_, message):  # someone else uses the app's budget mid-backfill
        if len(synced_ids(settings)) == 2:
            fake_strava.short_usage = fake_strava.short_limit

    (report,) = strava.sync(settings, on_progress=spend_window)

    assert report.stopped and "15-minute" in report.stopped
    assert fake_strava.count(r".*", status=429) == 1  # heard once, then stopped
    assert synced_ids(settings) == ids[:2]
    assert cursor(settings) == (START + timedelta(days=1)).replace(tzinfo=None)
    fake_strava.new_window()
    strava.sync(settings)
    assert synced_ids(settings) == ids


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried_and_persistent_ones_resume_next_run(
    settings, fake_strava, status
):
    ids = history(fake_strava, 6)
    connect(settings, fake_strava)
    fake_strava.fail(r"/api/v3/activities/1001/streams", status=status, times=2)  # transient
    fake_strava.fail(r"/api/v3/activities/1004/streams", status=status, times=3)  # > retries

    (first,) = strava.sync(settings)

    assert first.stopped and f"Strava answered {status}" in first.stopped
    assert synced_ids(settings) == ids[:4]  # nothing half-written of 1004
    assert rows(settings, "SELECT count(*) FROM samples") == [(4 * 61,)]
    (second,) = strava.sync(settings)
    assert second.stopped is None and synced_ids(settings) == ids
    assert rows(settings, "SELECT count(*) FROM samples") == [(6 * 61,)]


def test_a_slow_answer_times_out_is_retried_and_loses_nothing(tmp_path, fake_strava):
    settings = strava_settings(tmp_path, fake_strava, request_timeout_s=0.5)
    ids = history(fake_strava, 4)
    connect(settings, fake_strava)
    fake_strava.fail(r"/api/v3/activities/1001", status=200, delay_s=1.0)
    fake_strava.fail(r"/api/v3/activities/1002/streams", status=200, delay_s=1.0, times=3)

    (first,) = strava.sync(settings)
    assert first.stopped and "ReadTimeout" in first.stopped
    assert synced_ids(settings) == ids[:2]

    (second,) = strava.sync(settings)
    assert second.stopped is None and synced_ids(settings) == ids


def test_expired_tokens_are_refreshed_and_the_new_ones_saved(settings, fake_strava):
    ids = history(fake_strava, 3)
    saved = connect(settings, fake_strava)
    saved.expires_at = int(datetime.now(UTC).timestamp()) - 60  # expired on our clock
    tokens.save(settings, saved)

    strava.sync(settings)
    refreshed = tokens.load(settings, "tester")
    assert refreshed.refresh_token != saved.refresh_token  # rotated and saved at once

    fake_strava.expire_access_tokens()  # Strava ended it early: a 401, then a refresh
    fake_strava.add(run(3000, START + timedelta(days=40), samples=run_samples(n=61)))
    (report,) = strava.sync(settings)
    assert report.error is None and synced_ids(settings) == [*ids, 3000]
    assert tokens.load(settings, "tester").refresh_token != refreshed.refresh_token


def test_a_revoked_token_is_one_clear_message_and_other_athletes_go_on(
    settings, fake_strava, caplog
):
    history(fake_strava, 3)
    anna = connect(settings, fake_strava, "anna")
    connect(settings, fake_strava, "ben")
    fake_strava.revoke_tokens(anna.access_token, anna.refresh_token)

    reports = {r.athlete: r for r in strava.sync(settings)}

    assert reports["anna"].error == (
        "Strava refused to refresh the token for anna (revoked in Strava's settings, or "
        "expired); reconnect with: gaitload strava login --athlete anna"
    )
    assert reports["ben"].error is None and reports["ben"].new == 3
    assert rows(settings, "SELECT athlete, count(*) FROM activities GROUP BY 1") == [("ben", 3)]
    for secret in (anna.access_token, anna.refresh_token):
        assert secret not in caplog.text


def test_an_inactive_application_is_one_clear_message(settings, fake_strava):
    history(fake_strava, 2)
    connect(settings, fake_strava)
    fake_strava.inactive = True

    with pytest.raises(StravaAppInactive) as raised:
        strava.sync(settings)

    message = str(raised.value)
    assert "subscription" in message and "gaitload import export.zip" in message
    assert fake_strava.count(r"/api/v3/.*") == 1  # no retry loop


def test_an_activity_deleted_between_list_and_fetch_is_skipped(settings, fake_strava):
    ids = history(fake_strava, 6)
    connect(settings, fake_strava)
    fake_strava.delete_when_listed = {1002}

    (report,) = strava.sync(settings)

    assert report.stopped is None
    assert synced_ids(settings) == [i for i in ids if i != 1002]
    assert cursor(settings) == (START + timedelta(days=5)).replace(tzinfo=None)
    (again,) = strava.sync(settings)
    assert (again.new, again.deleted) == (0, 0)


def test_edits_deletions_and_late_uploads_on_strava_are_reflected(settings, fake_strava):
    ids = history(fake_strava, 6)
    connect(settings, fake_strava)
    strava.sync(settings)

    fake_strava.activities[1001].summary["name"] = "Renamed: hill reps"
    fake_strava.activities[1001].summary["sport_type"] = "TrailRun"
    fake_strava.activities[1002].summary["sport_type"] = "Hike"  # a walk up a hill, relabelled
    fake_strava.activities[1003].summary["elapsed_time"] = 150  # cropped
    fake_strava.activities[1003].streams = {
        k: v[:31] for k, v in fake_strava.activities[1003].streams.items()
    }
    del fake_strava.activities[1004]
    fake_strava.add(run(900, START - timedelta(days=100), samples=run_samples(n=61)))  # old
    streams_before = fake_strava.count(STREAMS)

    (report,) = strava.sync(settings)

    assert (report.new, report.updated, report.deleted) == (1, 3, 1)
    assert synced_ids(settings) == sorted([900, *(i for i in ids if i != 1004)])
    assert rows(
        settings, "SELECT name, strava_sport_type, surface FROM activities WHERE strava_id = 1001"
    ) == [("Renamed: hill reps", "TrailRun", "trail")]
    assert rows(settings, "SELECT sport FROM activities WHERE strava_id = 1002") == [("hiking",)]
    assert rows(settings, "SELECT samples FROM activities WHERE strava_id = 1003") == [(31,)]
    assert fake_strava.count(STREAMS) - streams_before == 2  # the cropped one and the new one
    logged = rows(settings, "SELECT path, status FROM ingest_log WHERE status = 'deleted'")
    assert logged == [("strava:1004", "deleted")]


def test_token_file_is_private_and_never_in_the_database(settings, fake_strava):
    saved = connect(settings, fake_strava)
    path = tokens.path_for(settings, "tester")
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert json.loads(path.read_text())["access_token"] == saved.access_token
    assert saved.access_token not in repr(saved)
    history(fake_strava, 1)
    strava.sync(settings)
    assert saved.refresh_token.encode() not in settings.db_path.read_bytes()


def test_a_sync_of_two_athletes_copies_the_readers_snapshot_once(settings, fake_strava, copies):
    """Every athlete's sync writes in many short sessions; the run copies once, at its end."""
    from gaitload.store.snapshot import snapshot_path

    history(fake_strava, 3)
    connect(settings, fake_strava, "anna")
    ben = connect(settings, fake_strava, "ben")
    fake_strava.revoke_tokens(ben.access_token, ben.refresh_token)  # his session writes too
    assert [r.new for r in strava.sync(settings)] == [3, 0]
    assert len(copies) == 1
    fake_strava.add(run(2000, START + timedelta(days=20), samples=run_samples(n=61)))
    assert [r.new for r in strava.sync(settings)] == [1, 0]
    assert len(copies) == 2
    with duckdb.connect(str(snapshot_path(settings.db_path)), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM activities").fetchone() == (4,)
    strava.sync(settings)  # nothing new, but each athlete's sync state records the run
    assert len(copies) == 3
