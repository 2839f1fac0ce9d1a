"""Import of real device files: values checked against the devices' own session figures."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import fitparse
import fitparse.utils
import pytest
from garmin_fit_sdk import Decoder, Stream

from gaitload.ingest import import_paths

ACTIVITY_FILES = [
    "2013-02-06-12-11-14.fit",
    "2015-10-13-08-43-15.fit",
    "20170518-191602-1740899583.fit",
    "2019-02-17-062644-ELEMNT-297E-195-0.fit",
    "Edge810-Vector-2013-08-16-15-35-10.fit",
    "activity-small-fenix2-run.fit",
    "developer-types-sample.fit",
    "event_timestamp.fit",
    "elemnt-bolt-no-application-id-inside-developer-data-id.fit",
    "garmin-edge-500-activity.fit",
    "garmin-fenix-5-bike.fit",
    "garmin-fenix-5-run.fit",
    "garmin-fenix-5-walk.fit",
    "null_compressed_speed_dist.fit",
    "sample-activity-indoor-trainer.fit",
    "sample-activity.fit",
    "compressed-speed-distance.fit",
]


def query(settings, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def device_sessions(path: Path) -> list[dict]:
    """The session messages as the device wrote them, read by Garmin's FIT SDK: not by
    fitparse, the decoder under test."""
    messages, _ = Decoder(Stream.from_byte_array(bytearray(path.read_bytes()))).read(
        merge_heart_rates=False
    )
    return messages.get("session_mesgs", [])


@pytest.mark.parametrize("name", ACTIVITY_FILES)
def test_totals_match_the_devices_session_figures(shared_import, shared_fit, name):
    settings, _ = shared_import
    (session,) = device_sessions(shared_fit / name)
    ((distance, moving, elapsed, ascent, totals_source),) = query(
        settings,
        "SELECT distance_m, moving_time_s, elapsed_time_s, ascent_m, totals_source "
        "FROM activities WHERE source_file = ?",
        [name],
    )
    assert totals_source == "session"
    assert moving == pytest.approx(session["total_timer_time"], abs=0.01)
    assert elapsed == pytest.approx(session["total_elapsed_time"], abs=0.01)
    if session.get("total_distance"):
        assert distance == pytest.approx(session["total_distance"], abs=0.01)
    if session.get("total_ascent") is not None:
        assert ascent == pytest.approx(session["total_ascent"])


def test_multisport_files_split_into_one_activity_per_session(shared_import, shared_fit):
    settings, _ = shared_import
    for name in ("activity-large-fenxi2-multisport.fit", "sample_mulitple_header.fit"):
        device = device_sessions(shared_fit / name)
        stored = query(
            settings,
            "SELECT sport, distance_m, moving_time_s, samples FROM activities "
            "WHERE source_file = ? ORDER BY start_time_utc",
            [name],
        )
        assert [s for s, *_ in stored] == [str(d["sport"]) for d in device]
        for (_, distance, moving, _), session in zip(stored, device, strict=True):
            assert distance == pytest.approx(session["total_distance"], abs=0.01)
            assert moving == pytest.approx(session["total_timer_time"], abs=0.01)
        records = sum(1 for _ in fitparse.FitFile(str(shared_fit / name)).get_messages("record"))
        # every timestamped record lands in exactly one session (duplicated seconds merged)
        assert records - 10 <= sum(n for *_, n in stored) <= records
    triathlon = [
        s
        for s, *_ in query(
            settings,
            "SELECT sport FROM activities WHERE source_file = 'sample_mulitple_header.fit' "
            "ORDER BY start_time_utc",
        )
    ]
    assert triathlon == ["swimming", "transition", "cycling", "transition", "running"]


def test_running_cadence_is_doubled_once_to_steps_per_minute(shared_import, shared_fit):
    settings, _ = shared_import
    name = "activity-small-fenix2-run.fit"
    (session,) = device_sessions(shared_fit / name)
    device_strides = session["avg_running_cadence"] + (session.get("avg_fractional_cadence") or 0)
    ((avg_spm, activity_id),) = query(
        settings,
        "SELECT avg_cadence_spm, activity_id FROM activities WHERE source_file = ?",
        [name],
    )
    assert avg_spm == pytest.approx(2 * device_strides)
    records = [
        m.get_values() for m in fitparse.FitFile(str(shared_fit / name)).get_messages("record")
    ]
    expected = {
        r["timestamp"]: 2 * (r["cadence"] + (r.get("fractional_cadence") or 0))
        for r in records
        if r.get("cadence") is not None
    }
    stored = dict(
        query(settings, "SELECT ts, cadence_spm FROM samples WHERE activity_id = ?", [activity_id])
    )
    assert len(expected) > 2000
    assert all(stored[ts] == pytest.approx(spm) for ts, spm in expected.items())
    assert 150 < avg_spm < 190  # a runner's steps, not strides


def test_cycling_cadence_stays_rpm(shared_import):
    settings, _ = shared_import
    ((spm, rpm),) = query(
        settings,
        "SELECT max(cadence_spm), avg(cadence_rpm) FROM samples s JOIN activities a "
        "USING (activity_id) WHERE a.source_file = 'Edge810-Vector-2013-08-16-15-35-10.fit'",
    )
    assert spm is None
    assert 60 < rpm < 110


@pytest.mark.parametrize(
    ("name", "local_start", "offset_min", "offset_source"),
    [
        # activity.local_timestamp - timestamp = -7 h (a Fenix 5 in US Mountain summer time)
        ("garmin-fenix-5-run.fit", datetime(2017, 6, 11, 7, 34, 9), -420, "file"),
        ("activity-small-fenix2-run.fit", datetime(2015, 8, 15, 16, 45, 8), 120, "file"),
        # no local_timestamp: the zone at the first GPS fix (England, winter: UTC+0)
        ("2013-02-06-12-11-14.fit", datetime(2013, 2, 6, 12, 11, 14), 0, "gps"),
        # Zwift writes local_timestamp 1989-12-31 (garbage) and virtual positions: athlete zone
        ("null_compressed_speed_dist.fit", datetime(2017, 10, 5, 2, 4, 6), 120, "athlete"),
        # Forerunner 70 counts seconds since power-on; anchored by the activity's local time:
        # 12:21:03 local at device second 16444673, session start at second 16441241
        ("antfs-dump.63.fit", datetime(2012, 2, 13, 11, 23, 51), 60, "athlete"),
    ],
)
def test_local_start_times(shared_import, name, local_start, offset_min, offset_source):
    settings, _ = shared_import
    rows = query(
        settings,
        "SELECT start_time_local, utc_offset_min, offset_source FROM activities "
        "WHERE source_file = ?",
        [name],
    )
    assert rows == [(local_start, offset_min, offset_source)]


@pytest.mark.parametrize(
    ("name", "status", "reason"),
    [
        ("activity-filecrc.fit", "rejected", "CRC mismatch"),
        ("activity-activity-filecrc.fit", "rejected", "CRC mismatch"),
        ("activity-settings-corruptheader.fit", "rejected", "corrupt FIT header"),
        ("Settings.fit", "skipped", "settings file, not an activity"),
        ("MonitoringFile.fit", "skipped", "monitoring_b file, not an activity"),
        ("WorkoutRepeatSteps.fit", "skipped", "workout file, not an activity"),
        ("WeightScaleSingleUser.fit", "skipped", "weight file, not an activity"),
        ("DeveloperData.fit", "skipped", "no timestamped records"),
        ("nick.fit", "partial", "truncated"),
        ("strava-android-app-201.10-b1218918.fit", "partial", "read up to an error"),
    ],
)
def test_bad_and_non_activity_files_are_logged_with_reasons(shared_import, name, status, reason):
    settings, report = shared_import
    (outcome,) = [o for o in report.outcomes if Path(o.path).name == name]
    assert outcome.status == status
    assert reason in outcome.reason
    logged = query(
        settings, "SELECT status, reason FROM ingest_log WHERE path LIKE ?", [f"%/{name}"]
    )
    assert logged == [(status, outcome.reason)]


def test_truncated_copies_of_a_complete_file_are_duplicates(shared_import):
    """activity-unexpected-eof.fit and activity-settings-nodata.fit: cut copies of Activity.fit."""
    settings, report = shared_import
    rows = query(
        settings,
        "SELECT source_file, partial FROM activities "
        "WHERE start_time_utc = TIMESTAMP '2012-04-09 21:22:26'",
    )
    assert len(rows) == 1 and rows[0][1] is False
    by_name = {Path(o.path).name: o for o in report.outcomes}
    replaced = {i for o in report.outcomes for i in o.replaced}
    for cut in ("activity-unexpected-eof.fit", "activity-settings-nodata.fit"):
        outcome = by_name[cut]
        # whichever arrived first: a cut copy is a duplicate, or it was replaced by the whole
        assert outcome.status == "duplicate" or set(outcome.activity_ids) <= replaced


def test_one_ride_recorded_by_two_devices_is_stored_once(shared_import):
    """A Fenix 5 and an Edge 820 recorded the same ride, starting 53 s apart."""
    settings, report = shared_import
    rows = query(
        settings,
        "SELECT source_file, samples FROM activities "
        "WHERE source_file IN ('garmin-fenix-5-bike.fit', 'garmin-edge-820-bike.fit')",
    )
    assert rows == [("garmin-fenix-5-bike.fit", 19)]  # the fuller recording wins
    (edge,) = [o for o in report.outcomes if o.path.endswith("garmin-edge-820-bike.fit")]
    assert edge.status in ("duplicate", "imported")  # imported first, then replaced


def test_truncated_ride_keeps_its_records_with_totals_from_them(shared_import, shared_fit):
    settings, _ = shared_import
    ((distance, moving, partial, source, n),) = query(
        settings,
        "SELECT distance_m, moving_time_s, partial, totals_source, samples "
        "FROM activities WHERE source_file = 'nick.fit'",
    )
    records = []
    try:
        for m in fitparse.FitFile(str(shared_fit / "nick.fit")).get_messages("record"):
            records.append(m.get_values())
    except fitparse.utils.FitEOFError:
        pass
    distances = [r["distance"] for r in records if r.get("distance") is not None]
    assert partial is True and source == "records"
    assert n == len({r["timestamp"] for r in records})
    assert distance == pytest.approx(max(distances) - min(distances))
    assert 0 < moving <= (records[-1]["timestamp"] - records[0]["timestamp"]).total_seconds()


def test_files_fitparse_rejects_are_read_by_the_fallback_decoder(shared_import):
    settings, report = shared_import
    decoders = {Path(o.path).name: o for o in report.outcomes}
    assert decoders["coros-pace-2-cycling-misaligned-fields.fit"].status == "imported"
    rows = dict(
        (r[0], r[1:])
        for r in query(
            settings,
            "SELECT source_file, sport, distance_m, moving_time_s, ascent_m, samples "
            "FROM activities WHERE source_file IN (?, ?)",
            [
                "coros-pace-2-cycling-misaligned-fields.fit",
                "strava-android-app-201.10-b1218918.fit",
            ],
        )
    )
    # the COROS session message: 32145.76 m, 11287 s timer, 938 m ascent, 11272 records
    assert rows["coros-pace-2-cycling-misaligned-fields.fit"] == (
        "cycling",
        pytest.approx(32145.76),
        11287.0,
        938.0,
        11272,
    )
    sport, distance, moving, _, samples = rows["strava-android-app-201.10-b1218918.fit"]
    assert (sport, distance, moving) == ("running", pytest.approx(11274.04), 3558.0)
    assert samples > 200
    logged = query(settings, "SELECT decoder FROM ingest_log WHERE path LIKE '%coros%'")
    assert logged == [("garmin-fit-sdk",)]


def test_positions_are_degrees(shared_import):
    settings, _ = shared_import
    ((lat, lon),) = query(
        settings,
        "SELECT start_lat, start_lon FROM activities WHERE source_file = 'garmin-fenix-5-run.fit'",
    )
    assert 30 < lat < 50 and -125 < lon < -100  # western USA, as its -7 h offset says


def test_reimport_changes_nothing(shared_import, shared_fit):
    settings, first = shared_import
    before = query(settings, "SELECT count(*), sum(samples) FROM activities")
    again = import_paths(settings, [shared_fit], workers=1)
    assert query(settings, "SELECT count(*), sum(samples) FROM activities") == before
    assert again.activities == 0
    decided = {o.path for o in first.outcomes if o.status != "rejected"}
    assert {o.path for o in again.outcomes if o.status == "duplicate"} == decided


EXPECTED_STATUS = {
    **{name: "imported" for name in ACTIVITY_FILES},
    "activity-large-fenxi2-multisport.fit": "imported",
    "sample_mulitple_header.fit": "imported",
    "coros-pace-2-cycling-misaligned-fields.fit": "imported",
    "antfs-dump.63.fit": "imported",
    "nick.fit": "partial",
    "strava-android-app-201.10-b1218918.fit": "partial",
    **{
        n: "rejected"
        for n in (
            "activity-filecrc.fit",
            "activity-activity-filecrc.fit",
            "activity-settings-corruptheader.fit",
        )
    },
    **{
        n: "skipped"
        for n in (
            "Settings.fit",
            "Settings2.fit",
            "MonitoringFile.fit",
            "WeightScaleMultiUser.fit",
            "WeightScaleSingleUser.fit",
            "WorkoutCustomTargetValues.fit",
            "WorkoutIndividualSteps.fit",
            "WorkoutRepeatGreaterThanStep.fit",
            "WorkoutRepeatSteps.fit",
            "DeveloperData.fit",
        )
    },
    # copies of one tiny run and one ride seen by two devices: one of each is kept, and
    # which file that is depends on arrival order (checked in the tests above)
    **{
        n: {"imported", "partial", "duplicate"}
        for n in (
            "Activity.fit",
            "activity-settings.fit",
            "activity-unexpected-eof.fit",
            "activity-settings-nodata.fit",
            "garmin-edge-820-bike.fit",
            "garmin-fenix-5-bike.fit",
        )
    },
}


def test_every_shared_file_has_its_expected_outcome(shared_import, shared_fit):
    _, report = shared_import
    outcomes = {Path(o.path).name: o.status for o in report.outcomes}
    files = sorted(p.name for p in shared_fit.glob("*.fit"))
    assert sorted(outcomes) == files
    unexpected = {n for n in files if n not in EXPECTED_STATUS}
    assert not unexpected, f"new files in {shared_fit}: say what each should do"
    for name in files:
        expected = EXPECTED_STATUS[name]
        allowed = expected if isinstance(expected, set) else {expected}
        assert outcomes[name] in allowed, name
