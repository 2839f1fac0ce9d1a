"""The nightly flow, run for real under Prefect (a temporary local server), on real files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from gaitload.demo.athlete import write_demo_athlete
from gaitload.store.snapshot import published, snapshot_path
from tests.builders import database_held_by_another_process


@pytest.fixture(scope="module")
def prefect_server():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="module")
def demo_fit(tmp_path_factory) -> list[Path]:
    return write_demo_athlete(tmp_path_factory.mktemp("fit"), end=date(2026, 11, 20), weeks=6)


def write_config(root: Path, athletes: dict[str, Path]) -> Path:
    config = root / "gaitload.toml"
    body = [f'db = "{root / "gaitload.duckdb"}"']
    for name, inbox in athletes.items():
        body += [f"[athletes.{name}]", 'timezone = "America/Denver"', f'inbox = "{inbox}"']
    config.write_text("\n".join(body) + "\n")
    return config


def count(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_first_then_quiet_night(prefect_server, tmp_path, demo_fit):
    from gaitload.pipelines.nightly import nightly

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for path in demo_fit:
        (inbox / path.name).write_bytes(path.read_bytes())
    config = write_config(tmp_path, {"anna": inbox})
    first = nightly(config=str(config), retry_backoff_s=0.1, return_state=True)
    assert first.is_completed() and first.message == "1 of 1 athletes ok"
    (row,) = first.result()
    assert row["athlete"] == "anna" and row["imported"] == len(demo_fit)
    db = tmp_path / "gaitload.duckdb"
    assert count(db, "SELECT count(*) FROM activities") == [(len(demo_fit),)]
    quiet = nightly(config=str(config), retry_backoff_s=0.1, return_state=True)
    (row,) = quiet.result()
    assert (row["imported"], row["duplicates"]) == (0, len(demo_fit))
    assert count(db, "SELECT count(*) FROM activities") == [(len(demo_fit),)]


def test_one_athletes_bad_night_does_not_stop_the_others(prefect_server, tmp_path, demo_fit):
    from gaitload.pipelines.nightly import nightly

    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    (good / demo_fit[0].name).write_bytes(demo_fit[0].read_bytes())
    (bad / "broken.fit").write_text("not FIT")
    config = write_config(tmp_path, {"anna": good, "ben": bad, "cleo": tmp_path / "missing"})
    state = nightly(config=str(config), retry_backoff_s=0.1, return_state=True)
    assert state.is_completed()
    rows = {r["athlete"]: r for r in state.result()}
    assert rows["anna"]["imported"] == 1
    assert rows["ben"]["rejected"] == 1 and "broken.fit: not a FIT file" in rows["ben"]["notes"][0]
    assert "does not exist" in rows["cleo"]["notes"][0]


def test_a_locked_database_fails_the_night_naming_the_holder(
    prefect_server, tmp_path, demo_fit, monkeypatch
):
    from gaitload.pipelines.nightly import nightly

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / demo_fit[0].name).write_bytes(demo_fit[0].read_bytes())
    config = write_config(tmp_path, {"anna": inbox})
    db = tmp_path / "gaitload.duckdb"
    duckdb.connect(str(db)).close()
    with database_held_by_another_process(db) as holder:
        monkeypatch.setenv("GAITLOAD_LOCK_WAIT", "0.5")
        state = nightly(config=str(config), retry_backoff_s=0.1, return_state=True)
        assert state.is_failed()
        (row,) = state.result(raise_on_failure=False)
        assert row["status"] == "failed"
        assert f"PID {holder.pid}" in row["notes"][0]
    assert not snapshot_path(db).exists()  # nothing opened, nothing published


def test_the_schedule_is_a_cron_in_the_athletes_zone(prefect_server, tmp_path):
    import asyncio
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from cronsim import CronSim
    from prefect.client.orchestration import get_client

    from gaitload.config import load_settings
    from gaitload.pipelines.schedule import DEPLOYMENT, deployment

    config = tmp_path / "gaitload.toml"
    config.write_text(
        'default_athlete = "anna"\nnightly_at = "03:30"\n'
        '[athletes.anna]\ntimezone = "America/Denver"\n'
    )
    settings = load_settings(config=config, env={"GAITLOAD_DATA_DIR": str(tmp_path)})
    deployment_id = deployment(settings).apply()

    async def read():
        async with get_client() as client:
            return await client.read_deployment(deployment_id)

    found = asyncio.run(read())
    assert found.name == DEPLOYMENT
    (schedule,) = found.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("30 3 * * *", "America/Denver")
    assert found.parameters["config"] == str(config)
    # the next runs, from the stored cron and zone: 03:30 in Denver, across the DST change
    zone = ZoneInfo(schedule.schedule.timezone)
    runs = CronSim(schedule.schedule.cron, datetime(2026, 10, 30, tzinfo=zone))
    nights = [next(runs) for _ in range(4)]
    assert all((t.hour, t.minute) == (3, 30) for t in nights)
    assert [t.astimezone(UTC).hour for t in nights] == [9, 9, 10, 10]  # MDT, then MST


def test_many_athletes_fan_out_on_the_task_runner(prefect_server, tmp_path, demo_fit):
    from prefect.task_runners import ThreadPoolTaskRunner

    from gaitload.pipelines.nightly import nightly

    inboxes = {}
    for i, name in enumerate(("anna", "ben", "cleo", "dan")):
        inboxes[name] = tmp_path / name
        inboxes[name].mkdir()
        for path in demo_fit[i * 5 : (i + 1) * 5]:
            (inboxes[name] / path.name).write_bytes(path.read_bytes())
    config = write_config(tmp_path, inboxes)
    parallel = nightly.with_options(task_runner=ThreadPoolTaskRunner(max_workers=4))
    state = parallel(config=str(config), retry_backoff_s=0.1, return_state=True)
    assert state.is_completed() and state.message == "4 of 4 athletes ok"
    db = tmp_path / "gaitload.duckdb"
    assert count(db, "SELECT athlete, count(*) FROM activities GROUP BY 1 ORDER BY 1") == [
        (name, 5) for name in inboxes
    ]
    # every athlete's metrics were computed by its own refresh, none twice, none missing
    assert count(
        db,
        "SELECT count(*) FROM activity_metrics WHERE effort_km IS NULL AND activity_class = 'run'",
    ) == [(0,)]
    assert count(db, "SELECT count(*), count(DISTINCT activity_id) FROM core.activity_metrics") == [
        (20, 20)
    ]


def test_backfill_in_chunks_and_resume(prefect_server, tmp_path, demo_fit):
    from gaitload.pipelines.backfill import backfill

    db = tmp_path / "gaitload.duckdb"
    folder = demo_fit[0].parent
    state = backfill([str(folder)], athlete="anna", db=str(db), chunk=10, return_state=True)
    assert state.is_completed()
    assert state.result()["imported"] == len(demo_fit)
    again = backfill([str(folder)], athlete="anna", db=str(db), chunk=10, return_state=True)
    assert again.result() == {
        "imported": 0,
        "partial": 0,
        "duplicate": len(demo_fit),
        "skipped": 0,
        "rejected": 0,
    }
    assert count(db, "SELECT count(*) FROM activities") == [(len(demo_fit),)]


def strava_config(root: Path, fake, athletes: dict[str, Path | None]) -> Path:
    from tests.fake_strava import CLIENT_ID, CLIENT_SECRET

    config = root / "gaitload.toml"
    body = [
        f'db = "{root / "gaitload.duckdb"}"',
        f'data_dir = "{root}"',
        "[strava]",
        f"client_id = {CLIENT_ID}",
        f'client_secret = "{CLIENT_SECRET}"',
        f'host = "{fake.host}"',
        "per_page = 5",
        "backoff_s = 0.01",
        "retries = 1",
        "request_timeout_s = 2.0",
        "max_wait_s = 0.0",
    ]
    for name, inbox in athletes.items():
        body += [f"[athletes.{name}]", 'timezone = "America/Denver"']
        if inbox:
            body.append(f'inbox = "{inbox}"')
    config.write_text("\n".join(body) + "\n")
    return config


def test_strava_nights_first_quiet_and_strava_down(prefect_server, tmp_path, demo_fit, fake_strava):
    from datetime import UTC, datetime, timedelta

    from gaitload.config import load_settings
    from gaitload.pipelines.nightly import nightly
    from gaitload.sources.strava import source as strava
    from tests.builders import run_samples
    from tests.fake_strava import run

    for i in range(6):
        fake_strava.add(
            run(
                2000 + i,
                datetime(2026, 7, 1, 12, tzinfo=UTC) + timedelta(days=i),
                samples=run_samples(n=61, interval=5),
            )
        )
    inbox = tmp_path / "ben-inbox"
    inbox.mkdir()
    (inbox / demo_fit[0].name).write_bytes(demo_fit[0].read_bytes())
    config = strava_config(tmp_path, fake_strava, {"anna": None, "ben": inbox})
    strava.login(load_settings(config=config), "anna", code=fake_strava.issue_code())
    db = tmp_path / "gaitload.duckdb"

    first = nightly(config=str(config), retry_backoff_s=0.1, return_state=True)
    rows = {r["athlete"]: r for r in first.result()}
    assert first.message == "2 of 2 athletes ok"
    assert rows["anna"]["imported"] == 6 and rows["ben"]["imported"] == 1
    assert count(db, "SELECT athlete, count(*) FROM activities GROUP BY 1 ORDER BY 1") == [
        ("anna", 6),
        ("ben", 1),
    ]
    # the Strava activities got their metrics like any other
    assert count(
        db, "SELECT count(*) FROM activity_metrics WHERE athlete = 'anna' AND effort_km > 0"
    ) == [(6,)]

    quiet = nightly(config=str(config), retry_backoff_s=0.1, return_state=True)
    assert {r["athlete"]: r["imported"] for r in quiet.result()} == {"anna": 0, "ben": 0}

    fake_strava.add(
        run(2100, datetime(2026, 7, 20, 12, tzinfo=UTC), samples=run_samples(n=61, interval=5))
    )
    fake_strava.fail(r"/api/v3/athlete$", status=503, times=100)
    down = nightly(config=str(config), retry_backoff_s=0.1, return_state=True)
    assert down.is_completed() and down.message == "1 of 2 athletes ok; failed: anna"
    rows = {r["athlete"]: r for r in down.result()}
    assert rows["anna"]["status"] == "failed" and "StravaUnavailable" in rows["anna"]["notes"][0]
    # retried by Prefect: the sync task ran three times (1 + 2 retries), each asking once
    assert fake_strava.count(r"/api/v3/athlete$", status=503) >= 3
    assert count(db, "SELECT count(*) FROM activities WHERE athlete = 'anna'") == [(6,)]


def test_a_night_that_triggers_an_alert_sends_one_email_then_none(
    prefect_server, tmp_path, monkeypatch
):
    from datetime import date

    from gaitload.pipelines.nightly import nightly
    from tests import smtp_server

    recorder = smtp_server.Recorder()
    controller = smtp_server.start(recorder)
    try:
        # the demo runner's planted ramp ends today: its episodes are open, so emailed
        inbox = tmp_path / "inbox"
        write_demo_athlete(inbox, end=date.today(), weeks=8, workers=1)
        config = write_config(tmp_path, {"anna": inbox})
        for name, value in {
            "GAITLOAD_SMTP_HOST": "127.0.0.1",
            "GAITLOAD_SMTP_PORT": str(controller.port),
            "GAITLOAD_SMTP_SECURITY": "none",
            "GAITLOAD_ALERT_TO": "anna@example.org",
        }.items():
            monkeypatch.setenv(name, value)
        night = nightly(config=str(config), retry_backoff_s=0.1, return_state=True)
        (row,) = night.result()
        assert row["alerts_sent"] == 1
        (message,) = recorder.messages()
        assert message["To"].addresses[0].addr_spec == "anna@example.org"
        assert message.get_body(("plain",)) is not None
        quiet = nightly(config=str(config), retry_backoff_s=0.1, return_state=True)
        (row,) = quiet.result()
        assert row["alerts_sent"] == 0 and len(recorder.received) == 1
    finally:
        controller.stop()


def attempts_of_each_chunk(flow_state) -> list[int]:
    """How many times Prefect ran each import-chunk task of a flow run."""
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    async def read() -> list[int]:
        async with get_client() as client:
            runs = await client.read_task_runs(
                flow_run_filter=FlowRunFilter(
                    id=FlowRunFilterId(any_=[flow_state.state_details.flow_run_id])
                )
            )
        return [r.run_count for r in runs if r.name.startswith("import-files")]

    return asyncio.run(read())


def test_backfill_retries_a_held_database_but_not_a_broken_one(prefect_server, tmp_path, demo_fit):
    """docs/operations.md: transient failures are retried, terminal ones fail at once."""
    from gaitload.pipelines.backfill import backfill

    folder = demo_fit[0].parent
    held = tmp_path / "held.duckdb"
    duckdb.connect(str(held)).close()
    broken = tmp_path / "broken.duckdb"
    broken.write_text("not a database")
    config = tmp_path / "gaitload.toml"
    config.write_text("lock_wait_s = 0.2\n")

    def run(db: Path):
        return backfill(
            [str(folder)],
            athlete="anna",
            db=str(db),
            config=str(config),
            retry_delay_s=0.1,
            return_state=True,
        )

    with database_held_by_another_process(held):
        transient = run(held)
    terminal = run(broken)
    assert transient.is_failed() and terminal.is_failed()
    assert attempts_of_each_chunk(transient) == [3]  # 1 + 2 retries
    assert attempts_of_each_chunk(terminal) == [1]
    assert broken.read_text() == "not a database"


def test_gaitload_gives_prefects_first_start_time_and_keeps_a_longer_wait():
    """Prefect's own 20 s timed out on a busy machine's first start (fresh database)."""
    from prefect.settings import (
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
        get_current_settings,
        temporary_settings,
    )

    from gaitload.pipelines.local_server import STARTUP_TIMEOUT_S, local_prefect

    with temporary_settings(updates={PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS: 20}):
        with local_prefect():
            server = get_current_settings().server
            assert server.ephemeral.startup_timeout_seconds == STARTUP_TIMEOUT_S >= 120
            assert server.analytics_enabled is False
        assert get_current_settings().server.ephemeral.startup_timeout_seconds == 20
    longer = {PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS: 600}
    with temporary_settings(updates=longer), local_prefect():
        assert get_current_settings().server.ephemeral.startup_timeout_seconds == 600


def in_snapshot(db: Path, sql: str) -> list[tuple]:
    from gaitload.store.db import connect_reader

    with connect_reader(snapshot_path(db)) as con:
        return con.execute(sql).fetchall()


def test_a_night_copies_the_snapshot_once_and_a_night_that_changes_nothing_never(
    prefect_server, tmp_path, demo_fit, copies
):
    """Two athletes, each with many write sessions (import, refresh, notes, alerts): one copy,
    at the end. A change made between nights by someone else is published by the next."""
    from gaitload.pipelines.nightly import nightly

    inboxes = {name: tmp_path / name for name in ("anna", "ben")}
    for i, inbox in enumerate(inboxes.values()):
        inbox.mkdir()
        for path in demo_fit[i * 4 : (i + 1) * 4]:
            (inbox / path.name).write_bytes(path.read_bytes())
    config = write_config(tmp_path, inboxes)
    db = tmp_path / "gaitload.duckdb"

    def night() -> None:
        state = nightly(config=str(config), retry_backoff_s=0.1, as_of=AS_OF, return_state=True)
        assert state.is_completed() and state.message == "2 of 2 athletes ok", state.message

    night()
    assert copies == [db] and published(db)
    by_athlete = "SELECT athlete, count(*) FROM activities GROUP BY 1 ORDER BY 1"
    assert in_snapshot(db, by_athlete) == [("anna", 4), ("ben", 4)]

    for inbox in inboxes.values():  # imported: the files leave the inboxes
        for path in inbox.iterdir():
            path.unlink()
    copies.clear()
    night()
    assert copies == []  # nothing changed: the snapshot already holds this database

    with duckdb.connect(str(db)) as con:  # the user's own SQL session writes a table
        con.execute("CREATE TABLE main.my_races AS SELECT DATE '2026-12-06' AS day")
    night()
    assert copies == [db]
    assert in_snapshot(db, "SELECT day FROM main.my_races") == [(date(2026, 12, 6),)]

    new = demo_fit[8]
    gaitload = [sys.executable, "-m", "gaitload", "--config", str(config)]
    done = subprocess.run([*gaitload, "import", "--athlete", "ben", "--quiet", str(new)])
    assert done.returncode == 0  # another process: it publishes at its own end
    assert in_snapshot(db, by_athlete) == [("anna", 4), ("ben", 5)]
    copies.clear()
    night()  # evaluates ben's alerts over his new run: the database may change, once
    assert copies in ([], [db]) and published(db)
    copies.clear()
    night()
    assert copies == []


def test_a_night_where_one_athlete_fails_publishes_what_the_others_stored(
    prefect_server, tmp_path, demo_fit, copies, monkeypatch
):
    from gaitload.errors import TerminalError
    from gaitload.pipelines import nightly as module

    inboxes = {name: tmp_path / name for name in ("anna", "ben")}
    for i, inbox in enumerate(inboxes.values()):
        inbox.mkdir()
        (inbox / demo_fit[i].name).write_bytes(demo_fit[i].read_bytes())
    config = write_config(tmp_path, inboxes)
    send = module.send_alerts

    def send_failing_for_ben(settings, *, athlete, as_of=None):
        if athlete == "ben":
            raise TerminalError("the alert channel refused ben's login")
        return send(settings, athlete=athlete, as_of=as_of)

    monkeypatch.setattr(module, "send_alerts", send_failing_for_ben)
    state = module.nightly(config=str(config), retry_backoff_s=0.1, as_of=AS_OF, return_state=True)
    assert state.is_completed() and state.message == "1 of 2 athletes ok; failed: ben"
    db = tmp_path / "gaitload.duckdb"
    assert copies == [db]  # ben's import committed before his alerts failed: readable too
    assert in_snapshot(db, "SELECT athlete FROM activities ORDER BY 1") == [("anna",), ("ben",)]


def test_a_full_disk_while_copying_the_snapshot_fails_the_night_saying_so(
    prefect_server, tmp_path, demo_fit, monkeypatch
):
    import errno

    from gaitload.pipelines.nightly import nightly

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / demo_fit[0].name).write_bytes(demo_fit[0].read_bytes())
    config = write_config(tmp_path, {"anna": inbox})

    def full(src, dst, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr(shutil, "copyfile", full)
    state = nightly(config=str(config), retry_backoff_s=0.1, as_of=AS_OF, return_state=True)
    assert state.is_failed()
    assert state.message.startswith("1 of 1 athletes ok; the readers' snapshot was not updated")
    assert "disk full" in state.message
    db = tmp_path / "gaitload.duckdb"
    assert count(db, "SELECT count(*) FROM activities") == [(1,)]  # the night's data is in
    assert not snapshot_path(db).exists()
    assert [p.name for p in tmp_path.iterdir() if ".snapshot" in p.name] == []  # no debris


AS_OF = date(2026, 11, 20)
