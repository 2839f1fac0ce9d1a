"""Strava's export, GPX and TCX, and one activity whatever the source (file, export, API)."""

from __future__ import annotations

import os
import zipfile
from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from gaitload.ingest import import_paths
from gaitload.sources.strava import export as strava_export
from gaitload.sources.strava import source as strava
from tests.builders import run_samples
from tests.conftest import strava_settings
from tests.export_builder import (
    activities_csv,
    csv_row,
    fit_bytes,
    gpx_bytes,
    gz,
    tcx_bytes,
    write_zip,
)
from tests.fake_strava import run

DAY = datetime(2026, 6, 1, 6, 30)  # naive UTC, as activities.csv says
SAMPLES = run_samples()  # 721 points, 10,080 m, 1 hour


def rows(settings, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture
def export_zip(tmp_path):
    """Four runs: FIT (gz), GPX, TCX (gz), a manual one; shoes; a photo; nasty members."""
    days = [DAY + timedelta(days=i) for i in range(4)]
    utc = [d.replace(tzinfo=UTC) for d in days]
    members = {
        "activities.csv": activities_csv(
            [
                csv_row(101, days[0], filename="activities/101.fit.gz", name="Tempo"),
                csv_row(102, days[1], filename="activities/102.gpx", kind="Trail Run"),
                csv_row(103, days[2], filename="activities/103.tcx.gz", gear=""),
                csv_row(104, days[3], filename="", name="Treadmill (typed in)", distance_m=8000),
            ]
        ),
        "activities/101.fit.gz": gz(fit_bytes(tmp_path, utc[0], SAMPLES)),
        "activities/102.gpx": gpx_bytes(utc[1], SAMPLES),
        "activities/103.tcx.gz": gz(tcx_bytes(utc[2], SAMPLES)),
        "shoes.csv": b"Shoe Name,Shoe Brand,Shoe Model,Shoe Default Sport Types\n"
        b"Pegasus 40,Nike,Pegasus 40,Run\n",
        "profile.csv": b"Athlete ID,Email Address\n1234567,anna@example.org\n",
        "media/photo.jpg": b"\xff\xd8 not really a photo",
        "../escape.fit": b"zip slip",
        "/etc/absolute.fit": b"absolute",
        "activities/bomb.gpx": b"\0" * (20 * 1024 * 1024),  # 20 MiB of zeros: ratio ~1000
    }
    return write_zip(
        tmp_path / "export_1234567.zip", members, links={"activities/link.fit": "/etc/passwd"}
    )


def test_export_zip_gives_the_same_shape_as_fit_with_strava_ids_and_notes(settings, export_zip):
    report = import_paths(settings, [export_zip], workers=1)

    by_name = {os.path.basename(o.path): (o.status, o.reason) for o in report.outcomes}
    assert (
        by_name["101.fit.gz"][0]
        == by_name["102.gpx"][0]
        == by_name["103.tcx.gz"][0]
        == ("imported")
    )
    assert by_name["activities.csv#104"][0] == "imported"
    assert by_name["photo.jpg"] == ("skipped", "not an activity file in the export")
    assert by_name["escape.fit"] == ("rejected", "refused: its name would escape the folder")
    assert by_name["absolute.fit"][0] == "rejected"
    assert by_name["link.fit"] == ("rejected", "refused: a link")
    assert "decompression bomb" in by_name["bomb.gpx"][1]
    assert not (export_zip.parent.parent / "escape.fit").exists()

    got = rows(
        settings,
        "SELECT strava_id, source, sport, surface, name, description, private_note, gear_id, "
        "samples, round(distance_m), round(avg_cadence_spm), offset_source FROM activities "
        "ORDER BY strava_id",
    )
    gear = "strava-export:1:pegasus 40"
    assert got[0] == (
        101,
        "export",
        "running",
        None,
        "Tempo",
        "shin ok",
        "slept badly",
        gear,
        721,
        10080.0,
        171.0,
        "file",
    )
    assert got[1][:9] == (
        102,
        "export",
        "running",
        "trail",
        "Lunch Run",
        "shin ok",
        "slept badly",
        gear,
        721,
    )
    # GPX has no distance field: measured along the track (the builder's track is ~1.1 km)
    assert got[1][9] == pytest.approx(1094, abs=2)
    assert got[1][10] == 171.0 and got[1][11] == "gps"  # strides in the file, steps stored
    assert got[2][:9] == (
        103,
        "export",
        "running",
        None,
        "Lunch Run",
        "shin ok",
        "slept badly",
        None,
        721,
    )
    assert got[2][9] == 10080.0  # the TCX's own distance
    assert got[3] == (
        104,
        "export",
        "running",
        None,
        "Treadmill (typed in)",
        "shin ok",
        "slept badly",
        gear,
        0,
        8000.0,
        171.0,
        "athlete",
    )
    assert rows(settings, "SELECT gear_id, kind, name FROM gear") == [(gear, "shoe", "Pegasus 40")]
    # samples of every format in one schema
    assert rows(
        settings,
        "SELECT source_file, count(lat), count(heart_rate), round(avg(cadence_spm)) "
        "FROM samples JOIN activities USING (activity_id) WHERE samples > 0 "
        "GROUP BY source_file ORDER BY source_file",
    ) == [
        ("101.fit.gz", 721, 721, 171.0),
        ("102.gpx", 721, 721, 171.0),
        ("103.tcx.gz", 721, 721, 171.0),
    ]

    again = import_paths(settings, [export_zip], workers=1)
    assert again.activities == 0
    assert rows(settings, "SELECT count(*) FROM activities") == [(4,)]


def test_an_unpacked_export_folder_is_read_the_same(settings, export_zip, tmp_path):
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(export_zip) as archive:
        for info in archive.infolist():
            name = info.filename
            if name.startswith(("/", "..")) or "link" in name or "bomb" in name:
                continue
            archive.extract(info, folder)
    report = import_paths(settings, [folder], workers=2)
    assert report.count("imported") == 4
    assert rows(settings, "SELECT count(*), count(strava_id) FROM activities") == [(4, 4)]


def test_activities_csv_quirks():
    data = activities_csv([csv_row(7, datetime(2017, 5, 15, 17, 52, 52), distance_m=4110.0)])
    (row,) = strava_export._rows(data)
    assert row.start_utc == datetime(2017, 5, 15, 17, 52, 52)  # "May 15, 2017, 5:52:52 PM"
    assert row.distance_m == 4110.0  # the metres column, not the display "4,11"
    assert row.elapsed_s == 3600.0 and row.sport_type == "Run"
    assert strava_export._number("33,22") == 33.22
    assert strava_export._number("1,234.5") == 1234.5


# -- one activity, whatever the source -------------------------------------------------------


@pytest.fixture
def api_settings(tmp_path, fake_strava):
    settings = strava_settings(tmp_path, fake_strava)
    strava.login(settings, "tester", code=fake_strava.issue_code())
    return settings


def strava_run(activity_id: int, start: datetime, **kwargs):
    return run(activity_id, start.replace(tzinfo=UTC), samples=SAMPLES, **kwargs)


def test_watch_file_then_export_then_api_is_one_activity_per_run(
    api_settings, fake_strava, tmp_path
):
    settings = api_settings
    watch = tmp_path / "watch"
    watch.mkdir()
    fit = fit_bytes(watch, DAY.replace(tzinfo=UTC), SAMPLES)  # the same file Strava exports
    export = write_zip(
        tmp_path / "export.zip",
        {
            "activities.csv": activities_csv(
                [csv_row(101, DAY, filename="activities/101.fit.gz", name="Tempo")]
            ),
            "activities/101.fit.gz": gz(fit),
        },
    )
    fake_strava.add(strava_run(101, DAY, name="Tempo (edited)"))
    fake_strava.add(strava_run(102, DAY + timedelta(days=1)))
    fake_strava.add_gear(
        {
            "id": "g100",
            "name": "Pegasus 40",
            "distance": 500000.0,
            "primary": True,
            "retired": False,
        }
    )

    import_paths(settings, [watch], workers=1)
    linked = import_paths(settings, [export], workers=1)
    assert [o.status for o in linked.outcomes] == ["duplicate"]  # same content: linked, not stored
    (report,) = strava.sync(settings)

    assert rows(
        settings, "SELECT strava_id, source, name, samples FROM activities ORDER BY strava_id"
    ) == [(101, "fit", "Tempo (edited)", 721), (102, "strava", "Morning Run", 721)]
    assert fake_strava.count(r"/api/v3/activities/101(/streams)?") == 0  # known from the export
    assert (report.new, report.merged) == (1, 1)
    # the export knew the shoe by name only; the API's shoe of that name takes it over
    assert rows(settings, "SELECT DISTINCT gear_id FROM activities") == [("strava:g100",)]
    assert rows(settings, "SELECT gear_id, source_distance_m FROM gear") == [
        ("strava:g100", 500000.0)
    ]


def test_a_watch_file_and_its_strava_upload_merge_in_either_order(
    api_settings, fake_strava, tmp_path
):
    settings = api_settings
    fake_strava.add(strava_run(201, DAY + timedelta(seconds=3), sport_type="TrailRun"))
    strava.sync(settings)  # the API first: Strava's streams
    assert rows(settings, "SELECT source FROM activities") == [("strava",)]

    (tmp_path / "watch").mkdir()
    (tmp_path / "watch" / "run.fit").write_bytes(
        fit_bytes(tmp_path, DAY.replace(tzinfo=UTC), SAMPLES)
    )
    report = import_paths(settings, [tmp_path / "watch"], workers=1)

    assert report.outcomes[0].status == "imported" and "replaces" in report.outcomes[0].reason
    assert rows(
        settings,
        "SELECT source, strava_id, name, description, surface, strava_sport_type FROM activities",
    ) == [("fit", 201, "Morning Run", "easy, left shin a bit sore", "trail", "TrailRun")]
    assert rows(settings, "SELECT count(*) FROM samples") == [(721,)]


def test_a_watch_file_first_means_the_api_fetches_no_streams(api_settings, fake_strava, tmp_path):
    settings = api_settings
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "run.fit").write_bytes(fit_bytes(tmp_path, DAY.replace(tzinfo=UTC), SAMPLES))
    import_paths(settings, [tmp_path / "w"], workers=1)
    # Strava recomputed the distance from GPS (2 % more) and calls it a hike
    activity = strava_run(301, DAY + timedelta(seconds=20), sport_type="Hike")
    activity.summary["distance"] = 10080.0 * 1.02
    fake_strava.add(activity)

    (report,) = strava.sync(settings)

    assert report.merged == 1 and report.new == 0
    assert fake_strava.count(r"/api/v3/activities/301/streams") == 0
    assert rows(settings, "SELECT source, strava_id, sport, private_note FROM activities") == [
        ("fit", 301, "running", "felt tired")
    ]


def test_a_different_run_starting_at_the_same_minute_is_not_merged(
    api_settings, fake_strava, tmp_path
):
    settings = api_settings
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "ride.fit").write_bytes(fit_bytes(tmp_path, DAY.replace(tzinfo=UTC), SAMPLES))
    import_paths(settings, [tmp_path / "w"], workers=1)
    other = run(
        401,
        (DAY + timedelta(seconds=30)).replace(tzinfo=UTC),
        sport_type="Swim",
        samples=run_samples(n=61),
    )  # 840 m of swimming: another activity
    fake_strava.add(other)
    strava.sync(settings)
    assert rows(settings, "SELECT count(*) FROM activities") == [(2,)]
