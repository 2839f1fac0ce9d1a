"""The source-neutral store: a database from before migration 0020 keeps every Strava id,
note and sync cursor; the registry's merge rules are what the store merges by."""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from gaitload import sqlfiles
from gaitload.sources import registry
from gaitload.sources.model import Activity, Link
from gaitload.sources.strava import source as strava
from gaitload.sources.strava.activity import fingerprint
from gaitload.store import activities, db, sync_state
from tests.builders import run_samples
from tests.conftest import strava_settings
from tests.fake_strava import ATHLETE_ID, run

BEFORE = 20
"""Migration 0020 moves the Strava columns; 0001..0011 made today's main's schema."""
BIG = 9_223_372_036_854_775_807  # the largest BIGINT: an id must survive text and back
DOCS = Path(__file__).resolve().parents[1] / "docs" / "schema.md"

ATHLETES = [(1, "anna", "Europe/Zurich"), (2, "ben o'neil", "America/Denver")]
GEAR = [
    ("strava:g1", 1, "shoe", "Pegasus", 412_000.0),
    ("strava-export:2:speedgoat 5", 2, "shoe", "Speedgoat 5", None),
]
# activity_id, athlete, source, source_id, name, sport, strava_id, strava_sport_type,
# trainer, description, private_note, meta_from, fingerprint, gear_id, fit_notes
OLD_ACTIVITIES = [
    (1, 1, "fit", "sha-a:0", "Morning run", "running", 1000, "TrailRun", False,
     "legs heavy", "left shin sore 3/10", "api", "f1000", "strava:g1", "notes from watch"),
    (2, 1, "strava", "1001", "Treadmill", "running", 1001, "Run", True,
     None, None, "api", "f1001", None, None),
    (3, 2, "export", "2000", "Manual 10k", "running", BIG, "Run", None,
     "typed in", None, "export", None, "strava-export:2:speedgoat 5", None),
    (4, 2, "fit", "sha-b:0", None, "cycling", None, None, None,
     None, None, None, None, None, None),
]  # fmt: skip
OLD_SYNC = [
    (1, 555, datetime(2026, 7, 1, 6, 30), True, 42, datetime(2026, 7, 2, 3, 0),
     datetime(2026, 7, 2, 3, 1), None),
    (2, None, None, False, 0, datetime(2026, 7, 2, 3, 5), None,
     "Strava's 15-minute request limit is used up"),
]  # fmt: skip


def old_database(
    path: Path, athletes=ATHLETES, gear=GEAR, old_activities=OLD_ACTIVITIES, old_sync=OLD_SYNC
) -> None:
    """A database as today's main leaves it: migrations 0001..0011, rows in the old shape,
    and the old views that name the Strava columns (the migration must not trip on them)."""
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP DEFAULT now())"
    )
    for version, name in db.pending(set()):
        if version >= BEFORE:
            continue
        for statement in sqlfiles.statements(db.MIGRATIONS, name):
            con.execute(statement)
        con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
    con.executemany(
        "INSERT INTO core.athletes (athlete_id, name, timezone) VALUES (?, ?, ?)", athletes
    )
    if gear:
        con.executemany(
            "INSERT INTO core.gear (gear_id, athlete_id, kind, name, source_distance_m) "
            "VALUES (?, ?, ?, ?, ?)",
            gear,
        )
    if old_activities:
        con.executemany(
            """INSERT INTO core.activities (activity_id, athlete_id, source, source_id, name, sport,
                   strava_id, strava_sport_type, trainer, description, private_note,
                   strava_meta_from, strava_fingerprint, gear_id, fit_notes, start_time_utc,
                   utc_offset_min, offset_source, totals_source, distance_m, samples)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                       TIMESTAMP '2026-06-01 06:00' + to_days(?), 120, 'file', 'session',
                       10000, 2)""",
            [(*row, row[0]) for row in old_activities],
        )
    con.execute(
        "INSERT INTO core.samples (activity_id, ts, elapsed_s, grade_pct, moving) "
        "SELECT activity_id, start_time_utc + to_seconds(i), i, 1.5, true "
        "FROM core.activities, range(2) t(i)"
    )
    if old_sync:
        con.executemany("INSERT INTO core.strava_sync VALUES (?, ?, ?, ?, ?, ?, ?, ?)", old_sync)
    con.execute("CREATE VIEW activities AS SELECT activity_id, strava_id FROM core.activities")
    con.execute("CREATE VIEW strava_sync AS SELECT * FROM core.strava_sync")
    con.close()


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    path = tmp_path / "old.duckdb"
    old_database(path)
    with db.opened(path) as con:
        assert 20 in {v for (v,) in con.execute("SELECT version FROM schema_migrations").fetchall()}
    return path


def query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_strava_value_survives_the_move_to_source_pairs(migrated):
    got = query(
        migrated,
        "SELECT activity_id, source, name, strava_id, strava_sport_type, trainer, description, "
        "private_note, gear_id, fit_notes FROM activities ORDER BY activity_id",
    )
    assert got == [
        (r[0], r[2], r[4], r[6], r[7], r[8], r[9], r[10], r[13], r[14]) for r in OLD_ACTIVITIES
    ]
    assert query(
        migrated,
        "SELECT activity_id, athlete, source, external_id, sport_type, via FROM activity_sources "
        "ORDER BY activity_id",
    ) == [
        (1, "anna", "strava", "1000", "TrailRun", "api"),
        (2, "anna", "strava", "1001", "Run", "api"),
        (3, "ben o'neil", "strava", str(BIG), "Run", "export"),
    ]
    assert query(
        migrated, "SELECT activity_id, fingerprint FROM core.activity_sources ORDER BY 1"
    ) == [
        (1, "f1000"),
        (2, "f1001"),
        (3, None),
    ]
    # the samples, gear and the Strava streams' columns are untouched
    assert query(migrated, "SELECT count(*), sum(grade_pct), bool_and(moving) FROM samples") == [
        (8, 12.0, True)
    ]
    assert query(migrated, "SELECT gear_id, source_distance_m FROM gear ORDER BY 1") == [
        (g[0], g[4]) for g in sorted(GEAR)
    ]
    columns = {r[0] for r in query(migrated, "DESCRIBE core.activities")}
    assert not {c for c in columns if c.startswith("strava")}


def test_sync_cursors_move_to_one_table_and_the_old_view_reads_the_same(migrated):
    names = dict((i, n) for i, n, _ in ATHLETES)
    expected = [(names[r[0]], *r[1:]) for r in OLD_SYNC]
    assert query(migrated, "SELECT * FROM strava_sync ORDER BY athlete") == expected
    assert query(
        migrated, "SELECT source, athlete, account_id FROM source_sync ORDER BY athlete"
    ) == [("strava", "anna", "555"), ("strava", "ben o'neil", None)]
    assert {r[0] for r in query(migrated, "SHOW ALL TABLES") if r[1] == "core"}.isdisjoint(
        {"strava_sync"}
    )
    with db.opened(migrated) as con:
        state = sync_state.load(con, "strava", 1)
        assert (state.account_id, state.cursor, state.backfill_done, state.activities_synced) == (
            "555",
            datetime(2026, 7, 1, 6, 30),
            True,
            42,
        )
        assert sync_state.athletes_in_order(con, "strava") == ["anna", "ben o'neil"]
        assert set(sync_state.linked(con, "strava", 1)) == {"1000", "1001"}


def test_a_migrated_activity_is_found_by_its_strava_id_and_keeps_what_the_api_said(migrated):
    with db.opened(migrated) as con:
        copy = export_copy(external_id="1000", name="export title", description=None)
        stored = activities.store(con, copy, 1, source_file=None, file_sha256=None)
        assert (stored.activity_id, stored.action) == (1, "kept")
    # the API's title and notes outrank the export's; the export's sport type does not win
    assert query(
        migrated,
        "SELECT name, description, strava_sport_type, fit_notes FROM activities "
        "WHERE activity_id = 1",
    ) == [("Morning run", "legs heavy", "TrailRun", "notes from watch")]
    assert query(migrated, "SELECT count(*) FROM activities") == [(4,)]


def test_forgetting_at_the_source_unlinks_a_file_and_deletes_an_api_only_copy(migrated):
    with db.opened(migrated) as con:
        assert activities.forget(con, 1, "strava", "1000") == "unlinked"
        assert activities.forget(con, 1, "strava", "1001") == "deleted"
        assert activities.forget(con, 1, "strava", "1001") is None
        assert activities.forget(con, 2, "strava", "1000") is None  # another athlete's id
    assert query(
        migrated,
        "SELECT activity_id, strava_id, name, description, gear_id, fit_notes, sport "
        "FROM activities WHERE athlete = 'anna'",
    ) == [(1, None, None, None, None, "notes from watch", "running")]
    assert query(migrated, "SELECT count(*) FROM core.samples WHERE activity_id = 2") == [(0,)]
    assert query(migrated, "SELECT count(*) FROM activity_sources WHERE athlete = 'anna'") == [(0,)]


def test_a_second_open_applies_nothing_and_changes_nothing(migrated):
    before = query(migrated, "SELECT * FROM activity_sources ORDER BY activity_id")
    with db.opened(migrated) as con:
        assert db.migrate(con) == []
    assert query(migrated, "SELECT * FROM activity_sources ORDER BY activity_id") == before


def test_merge_rules_name_only_columns_the_store_can_update():
    names = {f.name for f in fields(Activity)}
    for rule in registry.rules():
        assert set(rule.fields) <= set(activities.ANNOTATIONS) & names, rule
    update = sqlfiles.load("gaitload.store.sql", "update_fields.sql")
    assert set(activities.ANNOTATIONS) == set(re.findall(r"\$(\w+)", update)) - {"activity_id"}
    listed = [s.name for s in registry.SOURCES]
    assert len(listed) == len(set(listed))  # one entry per source


def test_a_channel_ranks_only_against_its_own_source():
    strava = registry.rule_of("strava")
    assert strava.outranks("api", "export")
    assert not strava.outranks("export", "api")
    assert not strava.outranks(None, "export")
    assert not strava.outranks("api", "api")
    assert registry.rule_of("nowhere") is None


def test_the_new_views_and_their_columns_are_documented(migrated):
    text = DOCS.read_text(encoding="utf-8")
    for view in ("activity_sources", "source_sync"):
        section = text.split(f"## `{view}`", 1)
        assert len(section) == 2, f"docs/schema.md has no section for {view}"
        body = section[1].split("\n## ", 1)[0]
        for (column,) in query(migrated, f"SELECT column_name FROM (DESCRIBE {view})"):
            assert f"`{column}`" in body, f"{view}.{column} is not documented"


def test_a_sync_after_the_migration_resumes_at_the_old_cursor(tmp_path, fake_strava):
    settings = strava_settings(tmp_path, fake_strava)
    start = datetime(2026, 7, 14, 12, 0, tzinfo=UTC)
    listed = []
    for i in range(3):
        activity = run(3000 + i, start + timedelta(days=i), samples=run_samples(n=61), gear_id=None)
        fake_strava.add(activity)
        listed.append(activity.summary)
    cursor = start.replace(tzinfo=None) + timedelta(days=1)
    old_database(
        settings.db_path,
        athletes=[(1, "tester", "Europe/Zurich")],
        gear=[],
        old_activities=[],
        old_sync=[(1, ATHLETE_ID, cursor, True, 2, cursor, cursor, None)],
    )
    with duckdb.connect(str(settings.db_path)) as con:  # two runs the old code had synced
        con.executemany(
            """INSERT INTO core.activities (activity_id, athlete_id, source, source_id, sport,
                   strava_id, strava_sport_type, strava_meta_from, strava_fingerprint, name,
                   start_time_utc, elapsed_time_s, distance_m, utc_offset_min, offset_source,
                   totals_source)
               VALUES (?, 1, 'strava', ?, 'running', ?, 'Run', 'api', ?, 'kept title',
                       ?, ?, ?, -360, 'strava', 'session')""",
            [
                (
                    10 + i,
                    str(s["id"]),
                    s["id"],
                    fingerprint(s),
                    start.replace(tzinfo=None) + timedelta(days=i),
                    s["elapsed_time"],
                    s["distance"],
                )
                for i, s in enumerate(listed[:2])
            ],
        )
    strava.login(settings, "tester", code=fake_strava.issue_code())

    (report,) = strava.sync(settings)

    assert (report.new, report.updated, report.deleted, report.error) == (1, 0, 0, None)
    assert fake_strava.count(r"/api/v3/activities/300[01]") == 0  # known by their pairs
    assert fake_strava.count(r"/api/v3/activities/3002") == 1
    assert query(
        settings.db_path, "SELECT activity_id, strava_id, name FROM activities ORDER BY strava_id"
    )[:2] == [(10, 3000, "kept title"), (11, 3001, "kept title")]
    assert query(
        settings.db_path,
        "SELECT strava_athlete_id, cursor_start_utc, backfill_done FROM strava_sync",
    ) == [(ATHLETE_ID, cursor + timedelta(days=1), True)]


def export_copy(*, external_id: str, name: str | None, description: str | None) -> Activity:
    """The export's copy of an activity: a summary, its csv line's fields."""
    return Activity(
        source="export",
        source_id=external_id,
        sport="running",
        sub_sport=None,
        start_time_utc=datetime(2026, 6, 2, 6, 0),
        utc_offset_min=120,
        offset_source="athlete",
        timezone=None,
        elapsed_time_s=3000.0,
        moving_time_s=3000.0,
        distance_m=10000.0,
        ascent_m=None,
        descent_m=None,
        avg_cadence_spm=None,
        avg_hr=None,
        max_hr=None,
        totals_source="manual",
        name=name,
        description=description,
        link=Link("strava", external_id, "Run", via="export"),
    )
