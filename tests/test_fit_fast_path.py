"""The fast decoder changes no number: every real file imported both ways, stores compared.

The fast path (fitfast) and the reference path (fitparse, then Garmin's SDK: what the
product does without fitfast, as on a platform without its wheel) each import every file of
../shared/data/fit and ../shared/data/fit-more into their own database. The stored
activities and laps must be equal field by field, exactly; samples equal within the
resolution the FIT profile encodes each stream in. Which path read each file is in the
ingest log; the fast one must have read most of them, or this proves nothing.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from gaitload.ingest import import_paths
from gaitload.sources import fit_decode
from tests.conftest import make_settings

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FOLDERS = [SHARED_DATA / name for name in ("fit", "fit-more")]

RESOLUTION = {
    "lat": 1e-7,  # a semicircle is 8.4e-8 degrees
    "lon": 1e-7,
    "altitude_m": 0.2,  # altitude: scale 5
    "distance_m": 0.01,  # distance: scale 100
    "speed_m_s": 0.001,  # speed: scale 1000
}
"""Streams compared within their encoding's resolution; every other column exactly."""
NOT_COMPARED = {"activity_id", "imported_at", "ingest_id", "run_id", "logged_at", "decoder"}

pytestmark = pytest.mark.skipif(
    not all(folder.is_dir() for folder in FOLDERS),
    reason="needs the real device files in ../shared/data/fit and ../shared/data/fit-more",
)


@pytest.fixture(scope="module")
def both_paths(tmp_path_factory) -> dict[str, Path]:
    files = sorted(p for folder in FOLDERS for p in folder.iterdir() if p.is_file())
    databases = {}
    for path_name in ("fast", "reference"):
        root = tmp_path_factory.mktemp(path_name)
        settings = make_settings(root)
        with pytest.MonkeyPatch.context() as patch:
            if path_name == "reference":
                patch.setattr(fit_decode, "fitfast", None)  # in-process: workers=1
            import_paths(settings, files, workers=1)
        databases[path_name] = settings.db_path
    return databases


def stored(db: Path, sql: str) -> pl.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        frame = con.sql(sql).pl()
    return frame.drop([c for c in frame.columns if c in NOT_COMPARED])


ACTIVITY_ORDER = "ORDER BY source_file, start_time_utc, sport"


def test_the_fast_decoder_read_most_files_and_fell_back_on_the_rest(both_paths):
    log = {name: dict(stored_log(db)) for name, db in both_paths.items()}
    fast_read = [p for p, decoder in log["fast"].items() if decoder == "fitfast"]
    assert len(fast_read) >= 0.6 * len(log["fast"]), log["fast"]
    assert "fitfast" not in log["reference"].values()
    # the files it reads wrongly go to the reference path: compressed timestamps, speed
    assert log["fast"][next(p for p in log["fast"] if p.endswith("antfs-dump.63.fit"))] == (
        "fitparse"
    )
    assert (
        log["fast"][next(p for p in log["fast"] if p.endswith("/compressed-speed-distance.fit"))]
        == "fitparse"
    )


def stored_log(db: Path) -> list[tuple[str, str | None]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT path, decoder FROM ingest_log ORDER BY path").fetchall()


def test_the_same_files_get_the_same_decisions(both_paths):
    sql = "SELECT path, status, reason, activities, records FROM ingest_log ORDER BY path"
    fast, reference = (stored(db, sql) for db in both_paths.values())
    assert fast.to_dicts() == reference.to_dicts()


@pytest.mark.parametrize("view", ["activities", "laps"])
def test_activities_and_laps_are_stored_identically(both_paths, view):
    order = ACTIVITY_ORDER if view == "activities" else "ORDER BY start_time_utc, lap_index"
    fast, reference = (stored(db, f"SELECT * FROM {view} {order}") for db in both_paths.values())
    assert fast.height == reference.height > 0
    for column in reference.columns:
        assert fast[column].to_list() == reference[column].to_list(), column


def test_samples_are_stored_within_the_encodings_resolution(both_paths):
    sql = (
        "SELECT s.* EXCLUDE (activity_id), a.source_file, a.start_time_utc AS a_start "
        "FROM samples s JOIN activities a USING (activity_id) "
        "ORDER BY a.source_file, a.start_time_utc, a.sport, s.ts"
    )
    fast, reference = (stored(db, sql) for db in both_paths.values())
    assert fast.height == reference.height > 100_000
    for column in reference.columns:
        a, b = fast[column], reference[column]
        assert (a.is_null() == b.is_null()).all(), column
        if column in RESOLUTION:
            worst = (a - b).abs().max() or 0.0
            assert worst <= RESOLUTION[column] * 1.01, (column, worst)
        else:
            assert a.to_list() == b.to_list(), column
