"""The FIT writer and the demo athlete, checked by reading the files back with fitparse."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import fitparse
import polars as pl
import pytest
from fitparse.utils import FitEOFError

from gaitload.demo.athlete import DEMO_TIMEZONE, write_demo_athlete
from gaitload.demo.fitwriter import SessionSpec, write_fit
from gaitload.streams import ascent_descent
from tests.builders import run_samples

START = datetime(2026, 7, 14, 12, 0, tzinfo=UTC)
SEMICIRCLE_DEG = 180 / 2**31


def read_fit(path: Path) -> dict[str, list[dict]]:
    """All messages of a file by name, as fitparse reports their values."""
    messages: dict[str, list[dict]] = defaultdict(list)
    with fitparse.FitFile(path.read_bytes()) as fit:
        for message in fit.get_messages():
            messages[message.name].append(message.get_values())
    return messages


@pytest.fixture
def run_file(tmp_path: Path) -> tuple[Path, pl.DataFrame]:
    samples = run_samples()
    path = write_fit(
        tmp_path / "run.fit",
        START,
        [SessionSpec("running", samples, sub_sport="trail")],
        local_offset_s=-6 * 3600,
    )
    return path, samples


def test_ascent_descent_counts_climbs_past_the_threshold() -> None:
    up_down = pl.Series([i * 0.1 for i in range(501)] + [50 - i * 0.1 for i in range(1, 501)])
    assert ascent_descent(up_down, threshold_m=1.0) == pytest.approx((50.0, 50.0), abs=1e-9)
    wiggle = pl.Series([0.0, 0.8, 0.1, 0.9, 0.0, 0.7] * 20)
    assert ascent_descent(wiggle, threshold_m=1.0) == (0.0, 0.0)
    steps = pl.Series([0.0, 2.0, 1.5, 5.0, None, 1.0, 1.8, 0.0])
    assert ascent_descent(steps, threshold_m=1.0) == pytest.approx((5.0, 5.0))
    assert ascent_descent(pl.Series([], dtype=pl.Float64)) == (0.0, 0.0)


def test_session_totals_round_trip(run_file: tuple[Path, pl.DataFrame]) -> None:
    path, samples = run_file
    fit = read_fit(path)
    assert [m["type"] for m in fit["file_id"]] == ["activity"]
    assert fit["file_id"][0]["manufacturer"] == "development"
    assert fit["device_info"][0]["product_name"] == "gaitload demo"
    assert [(e["event"], e["event_type"]) for e in fit["event"]] == [
        ("timer", "start"),
        ("timer", "stop"),
    ]
    (session,) = fit["session"]
    (lap,) = fit["lap"]
    (activity,) = fit["activity"]
    end = datetime(2026, 7, 14, 13, 0)  # naive UTC, as fitparse reports date_time
    assert session["sport"] == "running"
    assert session["sub_sport"] == "trail"
    assert session["start_time"] == datetime(2026, 7, 14, 12, 0)
    assert session["timestamp"] == end
    assert session["total_elapsed_time"] == 3600.0
    assert session["total_timer_time"] == 3600.0
    assert session["total_distance"] == pytest.approx(10080.0, abs=0.01)
    assert session["avg_speed"] == pytest.approx(2.8, abs=0.001)
    assert session["total_ascent"] == pytest.approx(50, abs=1)
    assert session["total_descent"] == pytest.approx(50, abs=1)
    assert session["avg_heart_rate"] == round(samples["heart_rate"].mean())
    assert session["max_heart_rate"] == 149
    spm = 2 * (session["avg_running_cadence"] + session["avg_fractional_cadence"])
    assert spm == pytest.approx(samples["cadence_spm"].mean(), abs=2 / 128)
    for key in ("total_distance", "total_timer_time", "total_ascent", "start_time"):
        assert lap[key] == session[key]
    assert activity["num_sessions"] == 1
    assert activity["total_timer_time"] == 3600.0
    assert activity["timestamp"] == end
    assert activity["local_timestamp"] - activity["timestamp"] == timedelta(hours=-6)


def test_records_round_trip(run_file: tuple[Path, pl.DataFrame]) -> None:
    path, samples = run_file
    records = read_fit(path)["record"]
    assert len(records) == samples.height
    for record, row in zip(records, samples.iter_rows(named=True), strict=True):
        assert record["timestamp"] == datetime(2026, 7, 14, 12) + timedelta(seconds=row["t_s"])
        assert record["position_lat"] * SEMICIRCLE_DEG == pytest.approx(row["lat"], abs=1e-6)
        assert record["position_long"] * SEMICIRCLE_DEG == pytest.approx(row["lon"], abs=1e-6)
        assert record["altitude"] == pytest.approx(row["altitude_m"], abs=0.1)
        assert record["distance"] == pytest.approx(row["distance_m"], abs=0.005)
        assert record["speed"] == pytest.approx(row["speed_m_s"], abs=0.0005)
        assert record["heart_rate"] == row["heart_rate"]
        spm = 2 * (record["cadence"] + record["fractional_cadence"])
        assert spm == pytest.approx(row["cadence_spm"], abs=2 / 128)


def test_nulls_become_invalid_values_and_missing_columns_are_left_out(tmp_path: Path) -> None:
    samples = run_samples(n=10).with_columns(
        heart_rate=pl.when(pl.col("t_s") == 10).then(None).otherwise(pl.col("heart_rate"))
    )
    samples = samples.drop("lat", "lon", "altitude_m")
    fit = read_fit(write_fit(tmp_path / "indoor.fit", START, [SessionSpec("running", samples)]))
    records = fit["record"]
    assert [r["heart_rate"] for r in records][:4] == [130, 131, None, 133]
    assert not any("position_lat" in r or "altitude" in r for r in records)
    (session,) = fit["session"]
    assert session["sub_sport"] == "generic"
    assert session.get("total_ascent") is None
    assert session.get("start_position_lat") is None


def test_multisport_file_has_one_session_and_lap_each(tmp_path: Path) -> None:
    run = run_samples(n=121)  # 0..600 s, 0..1680 m
    ride = pl.DataFrame(
        {
            "t_s": [700 + 5 * i for i in range(121)],
            "distance_m": [1700 + 5 * 7.0 * i for i in range(121)],
            "speed_m_s": [7.0] * 121,
            "cadence_rpm": [84 + i % 3 for i in range(121)],
        }
    )
    path = write_fit(
        tmp_path / "brick.fit",
        START,
        [SessionSpec("running", run, "street"), SessionSpec("cycling", ride, "road")],
    )
    fit = read_fit(path)
    first, second = fit["session"]
    assert len(fit["lap"]) == 2
    assert (first["sport"], second["sport"]) == ("running", "cycling")
    assert second["sub_sport"] == "road"
    assert second["start_time"] == datetime(2026, 7, 14, 12, 11, 40)
    assert second["total_timer_time"] == 600.0
    # the ride's distance is counted from the end of the run, not from the file start
    assert first["total_distance"] == pytest.approx(1680.0)
    assert second["total_distance"] == pytest.approx(1700 + 4200 - 1680.0)
    assert second["avg_cadence"] == 85
    assert "avg_fractional_cadence" not in second
    (activity,) = fit["activity"]
    assert activity["num_sessions"] == 2
    assert activity["total_timer_time"] == 1200.0
    assert activity["local_timestamp"] == activity["timestamp"]  # local_offset_s=0
    cadences = [r["cadence"] for r in fit["record"] if r["timestamp"] >= second["start_time"]]
    assert cadences[:4] == [84, 85, 86, 84]


def test_totals_overrides_win(tmp_path: Path) -> None:
    spec = SessionSpec(
        "running",
        run_samples(n=61),
        sub_sport="treadmill",
        totals={"total_distance": 0.0, "avg_heart_rate": None, "sub_sport": "track"},
    )
    fit = read_fit(write_fit(tmp_path / "o.fit", START, [spec]))
    (session,) = fit["session"]
    assert session["total_distance"] == 0.0
    assert session.get("avg_heart_rate") is None
    assert session["sub_sport"] == "track"
    assert fit["lap"][0]["total_distance"] == pytest.approx(840.0)  # laps are not overridden
    with pytest.raises(ValueError, match="unknown session field"):
        write_fit(
            tmp_path / "bad.fit", START, [SessionSpec("running", run_samples(5), totals={"x": 1})]
        )


def test_local_timestamp_can_be_omitted(tmp_path: Path) -> None:
    path = write_fit(
        tmp_path / "a.fit", START, [SessionSpec("running", run_samples(n=5))], local_offset_s=None
    )
    (activity,) = read_fit(path)["activity"]
    assert activity.get("local_timestamp") is None


def test_without_summary_there_is_no_lap_session_or_activity(tmp_path: Path) -> None:
    path = write_fit(
        tmp_path / "crashed.fit",
        START,
        [SessionSpec("running", run_samples())],
        write_summary=False,
    )
    fit = read_fit(path)
    assert len(fit["record"]) == 721
    assert not {"lap", "session", "activity"} & fit.keys()
    assert {"file_id", "device_info", "event"} <= fit.keys()


def test_truncated_file_is_rejected_by_fitparse(tmp_path: Path) -> None:
    whole = write_fit(tmp_path / "whole.fit", START, [SessionSpec("running", run_samples())])
    cut = write_fit(
        tmp_path / "cut.fit", START, [SessionSpec("running", run_samples())], truncate_to=5000
    )
    assert cut.stat().st_size == 5000 < whole.stat().st_size
    with pytest.raises(FitEOFError):
        read_fit(cut)


def test_naive_start_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        write_fit(
            tmp_path / "x.fit", datetime(2026, 1, 1), [SessionSpec("running", run_samples(5))]
        )


# --- the demo athlete ----------------------------------------------------------------

DEMO_END = date(2026, 11, 20)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    write_demo_athlete(out, end=DEMO_END, weeks=6, workers=1)
    return out


@pytest.fixture(scope="module")
def demo_sessions(demo_dir: Path) -> list[dict]:
    """One row per file: its session, local start and UTC offset, and first position."""
    rows = []
    for path in sorted(demo_dir.glob("*.fit")):
        fit = read_fit(path)
        (session,) = fit["session"]
        (activity,) = fit["activity"]
        offset = activity["local_timestamp"] - activity["timestamp"]
        first = fit["record"][0]
        rows.append(
            {
                "name": path.name,
                **session,
                "offset": offset,
                "local_start": session["start_time"] + offset,
                "lat": first.get("position_lat"),
                "lon": first.get("position_long"),
            }
        )
    return rows


def test_demo_is_deterministic(demo_dir: Path, tmp_path: Path) -> None:
    again = write_demo_athlete(tmp_path, end=DEMO_END, weeks=6, workers=1)
    first = {p.name: p.read_bytes() for p in demo_dir.glob("*.fit")}
    assert sorted(first) == [p.name for p in again]
    assert all(first[p.name] == p.read_bytes() for p in again)


def test_demo_times_are_denver_local(demo_sessions: list[dict]) -> None:
    tz = ZoneInfo(DEMO_TIMEZONE)
    for row in demo_sessions:
        end_utc = row["timestamp"].replace(tzinfo=UTC)
        assert row["offset"] == end_utc.astimezone(tz).utcoffset()
        kind = "run" if row["sport"] == "running" else "ride"
        assert row["name"] == f"{row['local_start']:%Y-%m-%d-%H%M}-{kind}.fit"
        assert 6 <= row["local_start"].hour < 8 or 18 <= row["local_start"].hour < 20
    offsets = {row["offset"] for row in demo_sessions}
    assert offsets == {timedelta(hours=-6), timedelta(hours=-7)}  # DST ends 2026-11-01
    sunday_evening = [
        r for r in demo_sessions if r["local_start"].weekday() == 6 and r["local_start"].hour >= 17
    ]
    assert sunday_evening
    assert all(r["start_time"].weekday() == 0 for r in sunday_evening)  # Monday in UTC
    last = demo_sessions[-1]["local_start"].date()
    assert last in (DEMO_END, DEMO_END - timedelta(days=1))


def test_demo_is_in_boulder(demo_sessions: list[dict]) -> None:
    from timezonefinder import TimezoneFinder

    outdoor = [r for r in demo_sessions if r["lat"] is not None]
    assert outdoor
    for row in outdoor:
        lat, lon = row["lat"] * SEMICIRCLE_DEG, row["lon"] * SEMICIRCLE_DEG
        assert abs(lat - 40.015) < 0.06 and abs(lon + 105.27) < 0.06
    row = outdoor[0]
    lat, lon = row["lat"] * SEMICIRCLE_DEG, row["lon"] * SEMICIRCLE_DEG
    assert TimezoneFinder().timezone_at(lat=lat, lng=lon) == DEMO_TIMEZONE
    assert {r["sub_sport"] for r in demo_sessions if r["sport"] == "running"} >= {
        "street",
        "trail",
    }
    assert any(r["sport"] == "cycling" and r["sub_sport"] == "road" for r in demo_sessions)


def test_demo_has_the_planted_ramp(demo_sessions: list[dict]) -> None:
    runs = [r for r in demo_sessions if r["sport"] == "running"]
    weekly: dict[date, float] = defaultdict(float)
    for run in runs:
        day = run["local_start"].date()
        weekly[day - timedelta(days=day.weekday())] += run["total_distance"] / 1000
    ramp_start = DEMO_END - timedelta(days=20)
    mondays = sorted(weekly)
    complete = [m for m in mondays if m + timedelta(days=6) <= DEMO_END]
    base = [m for m in complete if m + timedelta(days=6) < ramp_start]
    assert len(base) >= 2
    base_mean = sum(weekly[m] for m in base) / len(base)
    assert all(28 <= weekly[m] <= 36 for m in base)
    assert weekly[complete[-1]] > 1.3 * base_mean

    # a streak of 10+ running days without rest
    days = sorted({r["local_start"].date() for r in runs})
    streak = best = 1
    for before, after in pairwise(days):
        streak = streak + 1 if after - before == timedelta(days=1) else 1
        best = max(best, streak)
    assert best >= 10

    # a long run of about double the longest run of the 30 days before it
    longest = max(runs, key=lambda r: r["total_distance"])
    window = [
        r["total_distance"]
        for r in runs
        if timedelta(0) < longest["local_start"] - r["local_start"] <= timedelta(days=30)
    ]
    assert longest["local_start"].date() >= ramp_start
    assert longest["total_distance"] >= 1.8 * max(window)

    # tired legs: cadence a few % lower in the block than in the base
    def spm(r: dict) -> float:
        return 2 * (r["avg_running_cadence"] + r["avg_fractional_cadence"])

    base_cadence = [spm(r) for r in runs if r["local_start"].date() < ramp_start]
    ramp_cadence = [spm(r) for r in runs if r["local_start"].date() >= ramp_start]
    assert all(166 <= c <= 176 for c in base_cadence)
    drop = 1 - (sum(ramp_cadence) / len(ramp_cadence)) / (sum(base_cadence) / len(base_cadence))
    assert 0.02 < drop < 0.06


def test_demo_does_not_depend_on_workers(tmp_path: Path) -> None:
    serial = write_demo_athlete(tmp_path / "serial", end=DEMO_END, weeks=4, workers=1)
    parallel = write_demo_athlete(tmp_path / "parallel", end=DEMO_END, weeks=4, workers=2)
    assert [p.name for p in serial] == [p.name for p in parallel]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(serial, parallel, strict=True))
