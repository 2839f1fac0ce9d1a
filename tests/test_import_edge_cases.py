"""Generated FIT files for the cases real devices produce now and then: known right answers."""

from __future__ import annotations

import gzip
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from gaitload.demo.fitwriter import SessionSpec, write_fit
from gaitload.ingest import import_paths
from tests.builders import run_samples
from tests.conftest import make_settings

SUMMER = datetime(2026, 7, 14, 12, 0, tzinfo=UTC)


def rows(settings, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def one_run(path: Path, samples: pl.DataFrame | None = None, start=SUMMER, **kwargs) -> Path:
    samples = run_samples() if samples is None else samples
    return write_fit(path, start, [SessionSpec("running", samples, sub_sport="street")], **kwargs)


def test_a_watch_that_never_wrote_its_summary_gets_totals_from_the_records(settings, tmp_path):
    # 721 records, 5 s apart, 14 m each: 3600 s and 10,080 m by construction; a pause of
    # 10 minutes in the middle leaves 3600 s of timer time and 4200 s elapsed.
    samples = run_samples().with_columns(
        t_s=pl.when(pl.col("t_s") > 1800).then(pl.col("t_s") + 600).otherwise(pl.col("t_s"))
    )
    one_run(tmp_path / "crash.fit", samples, write_summary=False, local_offset_s=-6 * 3600)
    report = import_paths(settings, [tmp_path / "crash.fit"])
    assert [o.status for o in report.outcomes] == ["imported"]
    ((distance, moving, elapsed, source, offset, ascent),) = rows(
        settings,
        "SELECT distance_m, moving_time_s, elapsed_time_s, totals_source, "
        "utc_offset_min, ascent_m FROM activities",
    )
    assert (distance, moving, elapsed, source) == (10080.0, 3595.0, 4200.0, "records")
    assert offset == -360  # no activity message either: the GPS fix in Boulder, MDT
    assert ascent == pytest.approx(50.0, abs=0.5)  # 0 -> 50 -> 0 m hill


@pytest.mark.parametrize(
    ("totals", "why"),
    [
        ({"total_distance": 0.0, "total_timer_time": 0.0, "total_elapsed_time": 0.0}, "zero"),
        ({"total_distance": 4000.0}, "less than the records say"),
    ],
)
def test_session_totals_that_contradict_the_records_are_recomputed(settings, tmp_path, totals, why):
    path = write_fit(
        tmp_path / "odd.fit", SUMMER, [SessionSpec("running", run_samples(), totals=totals)]
    )
    import_paths(settings, [path])
    assert rows(settings, "SELECT distance_m, totals_source FROM activities") == [
        (10080.0, "records")
    ], why


def test_consistent_session_totals_are_the_devices_own(settings, tmp_path):
    path = write_fit(
        tmp_path / "ok.fit",
        SUMMER,
        [SessionSpec("running", run_samples(), totals={"total_ascent": 47})],
    )
    import_paths(settings, [path])
    assert rows(settings, "SELECT distance_m, ascent_m, totals_source FROM activities") == [
        (10080.0, 47.0, "session")
    ]


def test_fractional_cadence_becomes_steps_per_minute(settings, tmp_path):
    samples = run_samples().with_columns(cadence_spm=pl.lit(171.0))  # 85.5 strides/min
    import_paths(settings, [one_run(tmp_path / "c.fit", samples)])
    assert rows(settings, "SELECT DISTINCT cadence_spm FROM samples") == [(171.0,)]
    assert rows(settings, "SELECT avg_cadence_spm FROM activities") == [(171.0,)]


@pytest.mark.parametrize(
    ("offset_s", "with_gps", "expected"),
    [
        (-6 * 3600, True, (-360, "file")),
        (20 * 3600, True, (-360, "gps")),  # +20 h is garbage: Boulder's zone, MDT
        (None, True, (-360, "gps")),
        (20 * 3600, False, (120, "athlete")),  # no GPS either: the athlete's Zurich, CEST
        (None, False, (120, "athlete")),
    ],
)
def test_local_offset_file_then_gps_then_athlete(settings, tmp_path, offset_s, with_gps, expected):
    samples = run_samples()
    if not with_gps:
        samples = samples.with_columns(lat=pl.lit(None, pl.Float64), lon=pl.lit(None, pl.Float64))
    import_paths(settings, [one_run(tmp_path / "t.fit", samples, local_offset_s=offset_s)])
    assert rows(settings, "SELECT utc_offset_min, offset_source FROM activities") == [expected]


def test_sunday_evening_run_belongs_to_sundays_week(settings, tmp_path):
    # 19:30 on Sunday 2026-07-19 in Denver (UTC-6 in summer) is 01:30 Monday UTC.
    start = datetime(2026, 7, 20, 1, 30, tzinfo=UTC)
    import_paths(settings, [one_run(tmp_path / "s.fit", start=start, local_offset_s=-6 * 3600)])
    ((local, week),) = rows(
        settings,
        "SELECT start_time_local, date_trunc('week', start_time_local)::DATE FROM activities",
    )
    assert local == datetime(2026, 7, 19, 19, 30)
    assert str(week) == "2026-07-13"


def test_truncated_then_complete_file_keeps_the_complete_one(settings, tmp_path):
    whole = one_run(tmp_path / "whole.fit")
    cut = tmp_path / "cut" / "whole-cut.fit"
    cut.parent.mkdir()
    one_run(cut, truncate_to=whole.stat().st_size // 2)
    first = import_paths(settings, [cut])
    assert [o.status for o in first.outcomes] == ["partial"]
    ((partial, n_partial),) = rows(settings, "SELECT partial, samples FROM activities")
    assert partial is True and 0 < n_partial < 721

    second = import_paths(settings, [whole])
    assert [o.status for o in second.outcomes] == ["imported"]
    assert second.outcomes[0].replaced == first.outcomes[0].activity_ids
    assert rows(settings, "SELECT partial, samples FROM activities") == [(False, 721)]
    assert rows(settings, "SELECT count(*) FROM samples") == [(721,)]


def test_gzip_files_and_same_content_under_other_names(settings, tmp_path):
    original = one_run(tmp_path / "a" / "run.fit") if (tmp_path / "a").mkdir() is None else None
    renamed = tmp_path / "b" / "renamed.fit"
    renamed.parent.mkdir()
    shutil.copy(original, renamed)
    packed = tmp_path / "b" / "nested" / "run.fit.gz"
    packed.parent.mkdir()
    packed.write_bytes(gzip.compress(original.read_bytes()))
    report = import_paths(settings, [tmp_path / "b"])  # a folder, recursively
    statuses = sorted(o.status for o in report.outcomes)
    assert statuses == ["duplicate", "imported"]
    again = import_paths(settings, [original])
    assert [o.status for o in again.outcomes] == ["duplicate"]
    assert "already imported" in again.outcomes[0].reason
    assert rows(settings, "SELECT count(*) FROM activities") == [(1,)]


def test_unreadable_files_are_rejected_with_reasons_and_the_batch_goes_on(settings, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.fit").write_bytes(b"")
    (folder / "notes.fit").write_text("this is not a FIT file at all\n" * 10)
    (folder / "broken.fit.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    bomb = folder / "bomb.fit.gz"
    with gzip.open(bomb, "wb", compresslevel=1) as out:
        chunk = b"\0" * (16 * 2**20)
        for _ in range(17):  # 272 MiB of zeros in a ~270 KB file
            out.write(chunk)
    one_run(folder / "good.fit")
    report = import_paths(settings, [folder])
    reasons = {Path(o.path).name: (o.status, o.reason) for o in report.outcomes}
    assert reasons["good.fit"] == ("imported", None)
    assert reasons["empty.fit"] == ("rejected", "empty file")
    assert reasons["notes.fit"][1].startswith("not a FIT file")
    assert reasons["broken.fit.gz"][1].startswith("not a readable gzip file")
    assert reasons["bomb.fit.gz"][1] == "inflates beyond 256 MiB: refused"
    logged = rows(settings, "SELECT count(*) FROM ingest_log WHERE status = 'rejected'")
    assert logged == [(4,)]
    # rejected files are not remembered: they are tried again (and logged again) next time
    again = import_paths(settings, [folder])
    assert sorted(o.status for o in again.outcomes) == ["duplicate"] + ["rejected"] * 4


def test_a_multisport_file_is_one_activity_per_session(settings, tmp_path):
    swim = run_samples(n=121).select("t_s", "heart_rate", distance_m=pl.col("distance_m") / 4)
    ride = (
        run_samples(n=241)
        .with_columns(
            t_s=pl.col("t_s") + 700,
            distance_m=pl.col("distance_m") * 3 + 420,  # on from the swim's 420 m
            cadence_rpm=pl.lit(88.0),
        )
        .drop("cadence_spm")
    )
    run = run_samples(n=121).with_columns(
        t_s=pl.col("t_s") + 2000, distance_m=pl.col("distance_m") + 10500
    )
    write_fit(
        tmp_path / "tri.fit",
        SUMMER,
        [
            SessionSpec("swimming", swim, sub_sport="open_water"),
            SessionSpec("cycling", ride, sub_sport="road"),
            SessionSpec("running", run, sub_sport="street"),
        ],
    )
    import_paths(settings, [tmp_path / "tri.fit"])
    got = rows(
        settings,
        "SELECT sport, samples, distance_m, avg_cadence_spm IS NOT NULL "
        "FROM activities ORDER BY start_time_utc",
    )
    assert got == [
        ("swimming", 121, 420.0, False),
        ("cycling", 241, 10080.0, False),
        ("running", 121, 1680.0, True),
    ]


def test_copies_of_one_session_in_one_import_are_decided_as_one_by_one(settings, tmp_path):
    """New activities of a batch go in with one statement; copies of one session among them
    (a cut upload, the same run from a second watch, a copy seen again) must come out as
    importing the files one at a time does, in the same order."""
    folder = tmp_path / "in"
    folder.mkdir()
    cut = one_run(folder / "a-cut.fit", truncate_to=one_run(tmp_path / "w.fit").stat().st_size // 2)
    whole = one_run(folder / "b-whole.fit", serial_number=7)
    other = one_run(folder / "c-other-watch.fit", start=SUMMER.replace(second=20), serial_number=9)
    later = one_run(folder / "d-next-day.fit", start=SUMMER.replace(day=15))
    files = [cut, whole, other, later]

    together = import_paths(settings, files, workers=1)
    stored = rows(settings, "SELECT source_file, partial, samples FROM activities ORDER BY 1")

    alone = make_settings(tmp_path / "alone")
    one_by_one = [import_paths(alone, [path], workers=1).outcomes[0] for path in files]

    assert [o.status for o in together.outcomes] == [o.status for o in one_by_one]
    assert [o.status for o in together.outcomes] == ["partial", "imported", "duplicate", "imported"]
    assert [o.reason is None for o in together.outcomes] == [o.reason is None for o in one_by_one]
    assert stored == rows(alone, "SELECT source_file, partial, samples FROM activities ORDER BY 1")
    assert stored == [("b-whole.fit", False, 721), ("d-next-day.fit", False, 721)]
    assert rows(settings, "SELECT count(*) FROM samples") == [(2 * 721,)]
