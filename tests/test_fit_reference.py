"""Every real device file against Garmin's FIT SDK reading the file's own session messages.

The reference (tests/fit_reference.py) never runs gaitload's decoder. For each file in
../shared/data/fit and ../shared/data/fit-more the import's decision is the one written
below, and every stored activity matches its session on sport, sub-sport, start, distance,
timer and elapsed time, ascent, cadence and sample count, except where `EXCEPTIONS` says
why not. A file not listed in `EXPECTED` fails until someone says what it should do.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from gaitload.ingest import import_paths
from gaitload.sources.model import FOOT_SPORTS
from tests.conftest import make_settings
from tests.fit_reference import STORED_COLUMNS, differences, sdk_view

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FOLDERS = ("fit", "fit-more")

IMPORTED = ("imported", None)
STORED_ONCE = ({"imported", "partial", "duplicate"}, None)
"""Copies of one recording: which file is kept depends on the order files arrive in."""

EXPECTED: dict[str, tuple[str | set[str], str | None]] = {
    # folder/name: (decision, words its reason must contain)
    **{
        f"fit/{name}": IMPORTED
        for name in (
            "2013-02-06-12-11-14.fit",
            "2015-10-13-08-43-15.fit",
            "20170518-191602-1740899583.fit",
            "2019-02-17-062644-ELEMNT-297E-195-0.fit",
            "Edge810-Vector-2013-08-16-15-35-10.fit",
            "activity-large-fenxi2-multisport.fit",
            "activity-small-fenix2-run.fit",
            "antfs-dump.63.fit",
            "compressed-speed-distance.fit",
            "coros-pace-2-cycling-misaligned-fields.fit",
            "developer-types-sample.fit",
            "elemnt-bolt-no-application-id-inside-developer-data-id.fit",
            "event_timestamp.fit",
            "garmin-edge-500-activity.fit",
            "garmin-fenix-5-run.fit",
            "garmin-fenix-5-walk.fit",
            "null_compressed_speed_dist.fit",
            "sample-activity-indoor-trainer.fit",
            "sample-activity.fit",
            "sample_mulitple_header.fit",
        )
    },
    **{
        f"fit/{name}": STORED_ONCE
        for name in (
            "Activity.fit",
            "activity-settings.fit",
            "activity-unexpected-eof.fit",
            "activity-settings-nodata.fit",
            "garmin-edge-820-bike.fit",
            "garmin-fenix-5-bike.fit",
        )
    },
    "fit/nick.fit": ("partial", "truncated"),
    "fit/strava-android-app-201.10-b1218918.fit": ("partial", "read up to an error"),
    "fit/activity-filecrc.fit": ("rejected", "CRC mismatch"),
    "fit/activity-activity-filecrc.fit": ("rejected", "CRC mismatch"),
    "fit/activity-settings-corruptheader.fit": ("rejected", "corrupt FIT header"),
    "fit/DeveloperData.fit": ("skipped", "no timestamped records"),
    "fit/MonitoringFile.fit": ("skipped", "monitoring_b file, not an activity"),
    "fit/Settings.fit": ("skipped", "settings file, not an activity"),
    "fit/Settings2.fit": ("skipped", "settings file, not an activity"),
    "fit/WeightScaleMultiUser.fit": ("skipped", "weight file, not an activity"),
    "fit/WeightScaleSingleUser.fit": ("skipped", "weight file, not an activity"),
    "fit/WorkoutCustomTargetValues.fit": ("skipped", "workout file, not an activity"),
    "fit/WorkoutIndividualSteps.fit": ("skipped", "workout file, not an activity"),
    "fit/WorkoutRepeatGreaterThanStep.fit": ("skipped", "workout file, not an activity"),
    "fit/WorkoutRepeatSteps.fit": ("skipped", "workout file, not an activity"),
    **{
        f"fit-more/{name}": IMPORTED
        for name in (
            "bingiwatch-poolswim-2024-10-14.fit",
            "coros-run-6916663933.fit",
            "descentmk2-diving.fit",
            "edge1030plus-ride-lowbattery.fit",
            "edge1040-ride-no-session.fit",
            "edge500-ride-no-records.fit",
            "edge530-indoor-hrv.fit",
            "edge800-ride-gpsbabel.fit",
            "edge810-ride-828989227.fit",
            "fenix3-poolswim-6021532030.fit",
            "fenix5x-run-developer-data.fit",
            "fr110-run-gpsbabel-fit-sample.fit",
            "fr15-run-10kUNLP2014.fit",
            "fr910xt-poolswim-7617306288.fit",
            "fr910xt-run-sportslib-garmin.fit",
            "fr920xt-poolswim-test.fit",
            "fr920xt-run-mornindew-broken.fit",
            "fr935-multisport-run-row-6471559601.fit",
            "fr935-poolswim-6688025408.fit",
            "fr935-swim-cr.fit",
            "fr945-multisport-sdk-example.fit",
            "fr945-treadmill-6860622783.fit",
            "fr945-triathlon-6788312639.fit",
            "fr955-indoor-cycling-smo2.fit",
            "fr955-stryd-run.fit",
            "garminswim-poolswim-example.fit",
            "ipbike-run-hrv.fit",
            "magellan-ride-27-days.fit",
            "nk-generic-inverted-times.fit",
            "nosession-activity-truncated-sdk.fit",
            "onelap-indoor-0134902991.fit",
            "osynce-ride-20130716.fit",
            "srm-ride-broken-start-latlng.fit",
            "suunto-move-run-2020-01-15.fit",
            "suunto-ride-batt.fit",
            "suunto-run-6914448270.fit",
            "suunto-xcski.fit",
            "unknown-ride-broken-dates.fit",
            "venu3-yoga.fit",
            "vivoactivehr-run-2067489619.fit",
            "vivosmarthr-run-gpsbabel.fit",
            "wahoo-bolt-ride-gpsbabel.fit",
            "wahoo-indoor-unterminated-strings.fit",
        )
    },
    "fit-more/suunto-trailrun-6909950168.fit": STORED_ONCE,
    "fit-more/suunto-trailrun-6909950168-no-pause-records.fit": STORED_ONCE,
    "fit-more/err-empty-activities.fit": ("rejected", "CRC mismatch"),
    "fit-more/err-lezyne-bad-crc.fit": ("rejected", "CRC mismatch"),
    "fit-more/nonact-course-gpsbabel.fit": ("skipped", "course file, not an activity"),
    "fit-more/nonact-only-file-id.fit": ("skipped", "no timestamped records"),
}

EXCEPTIONS: dict[tuple[str, int, str], str] = {
    # (folder/name, session index, field): why the stored figure is not the session's.
    # The SDK cannot expand compressed timestamps (it reads no records) and shows these
    # Forerunners' seconds-since-power-on as 1990; the import anchors them in real time.
    ("fit/antfs-dump.63.fit", 0, "start"): "relative time, anchored",
    ("fit/antfs-dump.63.fit", 0, "samples"): "compressed timestamps",
    ("fit/compressed-speed-distance.fit", 0, "start"): "relative time, anchored",
    ("fit/compressed-speed-distance.fit", 0, "samples"): "compressed timestamps",
    # the record read where the Strava app's file breaks is dated 2085: on no clock
    ("fit/strava-android-app-201.10-b1218918.fit", 0, "samples"): "one record in 2085",
    # 3 records and the session's start are 27 days before the ride (a clock set later):
    # the ride's day, its 2 h 11 min and its 3696 records are what was ridden
    ("fit-more/magellan-ride-27-days.fit", 0, "start"): "start on another clock",
    ("fit-more/magellan-ride-27-days.fit", 0, "elapsed_time_s"): "27 days is a clock jump",
    ("fit-more/magellan-ride-27-days.fit", 0, "samples"): "3 records on another clock",
    # timer 21680 s > elapsed 2839.6 s cannot be: the device swapped them (its records
    # span 21670 s with a 5-hour gap)
    ("fit-more/nk-generic-inverted-times.fit", 0, "moving_time_s"): "swapped",
    ("fit-more/nk-generic-inverted-times.fit", 0, "elapsed_time_s"): "swapped",
}


def decision_problem(key: str, status: str, reason: str | None) -> str | None:
    """Why an outcome is not the expected decision, or None when it is."""
    expected, words = EXPECTED[key]
    allowed = expected if isinstance(expected, set) else {expected}
    if status not in allowed:
        return f"decision {status} ({reason}) != {expected}"
    if words is not None and words not in (reason or ""):
        return f"reason {reason!r} lacks {words!r}"
    return None


def session_problems(db: Path, folder: Path, name: str, replaced: bool) -> list[list[str]]:
    """Per SDK session of one file: the fields where the stored activity differs."""
    reference = sdk_view(folder / name)
    with duckdb.connect(str(db), read_only=True) as con:
        stored = [
            dict(zip(STORED_COLUMNS, row, strict=True))
            for row in con.execute(
                f"SELECT {', '.join(STORED_COLUMNS)} FROM activities "
                "WHERE source_file = ? ORDER BY start_time_utc",
                [name],
            ).fetchall()
        ]
        if not stored and replaced:
            # stored once, from another file: the winner is at the same start
            starts = [s.start_time for s in reference.sessions if s.start_time]
            kept = con.execute(
                "SELECT count(*) FROM activities WHERE abs(epoch(start_time_utc) - epoch(?)) < 60",
                [starts[0]],
            ).fetchone()[0]
            return [[] if kept else ["no copy of it is stored"] for _ in reference.sessions]
    sessions = sorted(reference.sessions, key=lambda s: (s.start_time is None, s.start_time))
    problems = []
    for index, session in enumerate(sessions):
        if index >= len(stored):
            problems.append(["not stored"])
            continue
        problems.append(differences(session, stored[index], session.sport in FOOT_SPORTS))
    return problems


def folder_report(settings, report, folder: Path, prefix: str) -> dict[str, list[list[str]]]:
    """folder/name -> [[decision problems]] + one list of field differences per session."""
    replaced_ids = {i for o in report.outcomes for i in o.replaced}
    found = {}
    for outcome in report.outcomes:
        name = Path(outcome.path).name
        key = f"{prefix}/{name}"
        if key not in EXPECTED:
            found[key] = [["not in EXPECTED: say what this file should do"]]
            continue
        problem = decision_problem(key, outcome.status, outcome.reason)
        replaced = outcome.status == "duplicate" or (
            bool(outcome.activity_ids) and set(outcome.activity_ids) <= replaced_ids
        )
        fields = (
            session_problems(settings.db_path, folder, name, replaced)
            if outcome.status in ("imported", "partial", "duplicate")
            else []
        )
        found[key] = [[problem] if problem else [], *fields]
    return found


@pytest.fixture(scope="session")
def more_fit() -> Path:
    folder = SHARED_DATA / "fit-more"
    if not folder.is_dir():
        pytest.skip(f"more real device FIT files not found at {folder} (../shared/data/fit-more)")
    return folder


@pytest.fixture(scope="session")
def more_import(more_fit: Path, tmp_path_factory):
    """Every file of fit-more imported once, in parallel, into its own database."""
    settings = make_settings(tmp_path_factory.mktemp("fit-more"))
    return settings, import_paths(settings, [more_fit], workers=2)


@pytest.fixture(scope="session")
def reports(shared_import, shared_fit, more_import, more_fit) -> dict[str, list[list[str]]]:
    """Both folders compared with the SDK: decision and per-session differences by file."""
    found = {}
    for prefix, (settings, report), folder in (
        ("fit", shared_import, shared_fit),
        ("fit-more", more_import, more_fit),
    ):
        found.update(folder_report(settings, report, folder, prefix))
    return found


def test_every_file_in_both_folders_has_an_expected_decision(shared_fit, more_fit):
    on_disk = {
        f"{folder.name}/{p.name}" for folder in (shared_fit, more_fit) for p in folder.iterdir()
    }
    on_disk = {k for k in on_disk if k.lower().endswith(".fit")}
    assert not on_disk - set(EXPECTED), "new files: say in EXPECTED what each should do"
    assert not set(EXPECTED) - on_disk, "EXPECTED names files that are gone"


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_the_import_decides_as_expected(reports, key):
    decision, *_ = reports[key]
    assert decision == []


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_each_session_is_stored_as_garmins_sdk_reads_it(reports, key):
    _, *sessions = reports[key]
    for index, found in enumerate(sessions):
        excused = {
            field: why for (k, i, field), why in EXCEPTIONS.items() if (k, i) == (key, index)
        }
        unexcused = [d for d in found if d.split()[0] not in excused]
        assert unexcused == [], f"session {index}"
        # an exception that no longer differs is stale: take it out of the table
        assert {d.split()[0] for d in found} >= set(excused), f"session {index}"
