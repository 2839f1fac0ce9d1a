"""The look-back on a small built history whose right answers are worked out by hand.

Rae lives on UTC (tests/histories.py writes the files). Eight usual weeks from Monday
2026-01-05, all at 170 spm in "Old Faithful":

    Tue 8 km road, Wed a 60 min ride, Thu 8 km road, Sat 8 km trail with 60 m up and
    down (ramps of 1.6 km at 3.75 %: never steeper than 5 %)        24 km, 3 runs, 4 rest days

then two weeks with a run every day (weeks 9 and 10, from Monday 2 March):

    Mon, Tue, Thu, Fri, Sun 8 km road at 166 spm; Wed 8 km trail with 100 m up and down
    (ramps of 1.6 km at 6.25 %) at 170 spm; Sat a long run at 166 spm: 15 km, then 20 km
                                                                    63 km, then 68 km

Pain: right arch 2/10 on Monday 9 February (0, gone, on the 11th), left heel 4/10 on
D = Monday 16 March. Flat runs are recorded at 10/3 m/s (300 s/km), hill runs at 2.5 m/s
(400 s/km); a ride is 3,600 s. The calendar starts on the first activity, Tuesday 6 January.
"""

from __future__ import annotations

import json
import struct
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from gaitload.cli import cli
from gaitload.errors import GaitloadError
from gaitload.lookback import LOAD_FACTORS, look_back
from gaitload.pain import add_pain
from gaitload.rules.catalogue import catalogue
from tests.builders import database_held_by_another_process
from tests.conftest import make_settings
from tests.histories import START, Ride, Run, Shoe, athlete_settings, build, day

D = day(11, 0)
"""Monday 2026-03-16: the left heel starts hurting."""
FIRST_DAY = date(2026, 1, 6)
WARNING = (
    "2 pain episodes: a handful proves nothing; a factor that preceded them may be one that "
    "is simply often there."
)


def rae_plan() -> list:
    plan: list = [Shoe("Old Faithful", START)]
    for w in range(1, 9):
        plan += [Run(day(w, 1), 8), Ride(day(w, 2)), Run(day(w, 3), 8)]
        plan += [Run(day(w, 5), 8, "trail", climb_m=60)]
    for w, long_km in ((9, 15), (10, 20)):
        plan += [Run(day(w, d), 8, cadence_spm=166) for d in (0, 1, 3, 4, 6)]
        plan += [Run(day(w, 2), 8, "trail", climb_m=100), Run(day(w, 5), long_km, cadence_spm=166)]
    return plan


@pytest.fixture(scope="module")
def rae(tmp_path_factory):
    root = tmp_path_factory.mktemp("rae")
    settings = athlete_settings(make_settings(root, default_athlete="rae"), ["rae"])
    build(settings, root / "fit", "rae", rae_plan())
    add_pain(settings, where="arch", side="right", score=2, day=day(6, 0))
    add_pain(settings, where="arch", side="right", score=0, day=day(6, 2))
    add_pain(settings, where="heel", side="left", score=4, day=D)
    return settings


@pytest.fixture(scope="module")
def two_weeks(rae):
    return look_back(rae, day=D, weeks=2)


def measures(lookback) -> dict:
    return {m.key: m for m in lookback.measures}


def test_the_window_is_the_weeks_before_d_and_the_usual_what_history_there_is(two_weeks):
    w, u = two_weeks.window, two_weeks.usual
    assert (w.first, w.last, w.days) == (date(2026, 3, 2), date(2026, 3, 15), 14)
    # 26 weeks were asked for; the history starts on Tuesday 6 January: 55 days
    assert (u.first, u.last, u.days) == (FIRST_DAY, date(2026, 3, 1), 55)
    assert two_weeks.notes == (
        "Usual: the 7.9 weeks of history before the window (2026-01-06 to 2026-03-01), "
        "fewer than the 26 asked for.",
    )


USUAL_WEEKS = 55 / 7
HAND = {
    # key: (window, usual), per week over 2 weeks and over 55 days
    "run_km_per_week": ((63 + 68) / 2, 8 * 24 / USUAL_WEEKS),  # 65.5 against 24.44
    "longest_run_km": (20, 8),
    "runs_per_week": (7, 8 * 3 / USUAL_WEEKS),
    "rest_days_per_week": (0, (55 - 24) / USUAL_WEEKS),  # 31 rest days in 55
    "longest_streak_days": (14, 1),  # every day from 2 March; Tue, Thu, Sat before
    "descent_m_per_week": (100, 8 * 60 / USUAL_WEEKS),
    # two 1.6 km ramps (up and down) a week steeper than 5 %; none at 3.75 %
    "steep_km_per_week": (2 * 1.6, 0),
    # moving-time weighted: 115 flat km x 300 s at 166 spm, 16 hill km x 400 s at 170
    "cadence_spm": ((34_500 * 166 + 6_400 * 170) / 40_900, 170),  # 166.63 (a run's mean: 166.57)
    # road: 115 of 131 km in the window; 128 of 192 before
    "top_surface_share": (115 / 131, 128 / 192),
    # rides 8 x 3,600 s against 8 x (16 km x 300 s + 8 km x 400 s) of running
    "cross_training_share": (0, 28_800 / (28_800 + 64_000)),
    "main_shoe_km_per_week": ((63 + 68) / 2, 8 * 24 / USUAL_WEEKS),
}


@pytest.mark.parametrize("key", list(HAND))
def test_each_measure_against_usual_by_hand(two_weeks, key):
    m = measures(two_weeks)[key]
    window, usual = HAND[key]
    # the 31 s grade window softens each ramp's corners by about one 25 m record
    tolerance = 0.1 if key == "steep_km_per_week" else 1e-6
    assert m.window == pytest.approx(window, abs=tolerance)
    assert m.usual == pytest.approx(usual, abs=tolerance)


def test_changes_are_relative_and_shares_in_points(two_weeks):
    m = measures(two_weeks)
    usual_km = 192 / USUAL_WEEKS
    assert m["run_km_per_week"].change == pytest.approx((65.5 - usual_km) / usual_km * 100)
    assert m["longest_run_km"].change == pytest.approx(150)
    assert m["rest_days_per_week"].change == pytest.approx(-100)
    assert m["steep_km_per_week"].change is None  # nothing before: no percentage of zero
    assert (m["top_surface_share"].change, m["top_surface_share"].change_unit) == (
        pytest.approx((115 / 131 - 2 / 3) * 100),
        "pp",
    )
    assert m["cross_training_share"].change == pytest.approx(-28_800 / 92_800 * 100)
    assert m["top_surface_share"].subject == "road"
    assert m["top_surface_share"].detail == "usual top surface: road 67%"
    assert m["main_shoe_km_per_week"].subject == "Old Faithful"
    assert m["main_shoe_km_per_week"].detail == "323 km on it in all up to 2026-03-15"  # 192 + 131
    assert {k: v.informs for k, v in m.items()}["cadence_spm"] == "cadence"


def test_factors_present_in_the_window(two_weeks):
    found = {f.factor: f for f in two_weeks.factors}
    assert {"load_ramp", "long_run_spike", "rest_days", "bone_stress_pattern"} <= set(found)
    assert not {"shoe_change", "shoe_mileage", "cadence", "cross_training"} & set(found)
    # Thursday 5 March: 32 km so far against 24 the week before (+33 %, +8 km); the next
    # week's 68 km is not 10 % above 63
    ramp = found["load_ramp"]
    assert (ramp.first_day, ramp.last_day, ramp.severity) == (
        date(2026, 3, 5),
        date(2026, 3, 8),
        "warn",
    )
    assert ramp.title == "Weekly distance rising fast"
    assert "32 km so far" in ramp.message
    # 15 km after a longest of 8 (+88 %), then 20 after 15 (+33 %): one episode, warn
    spike = found["long_run_spike"]
    assert (spike.first_day, spike.last_day, spike.severity) == (
        date(2026, 3, 7),
        date(2026, 3, 14),
        "warn",
    )
    assert found["bone_stress_pattern"].severity == "high"
    assert found["rest_days"].first_day == date(2026, 3, 6)  # the 1st was a Sunday rest day


def test_only_the_eleven_load_factors_are_considered(two_weeks):
    assert LOAD_FACTORS == (
        "load_ramp",
        "long_run_spike",
        "acwr",
        "rest_days",
        "cadence",
        "surface_variety",
        "hill_exposure",
        "shoe_mileage",
        "shoe_change",
        "cross_training",
        "bone_stress_pattern",
    )
    assert set(catalogue().rules) - set(LOAD_FACTORS) == {
        "persistent_pain",
        "bone_stress_pain",
        "heel_pain",
        "recovery_ramp",
    }
    assert {f.factor for f in two_weeks.factors} <= set(LOAD_FACTORS)
    assert [f.factor for f in two_weeks.history.factors] == list(LOAD_FACTORS)


def test_weekly_series_counts_back_from_the_day_before(two_weeks):
    weeks = two_weeks.series
    assert [w.start for w in weeks] == [START + timedelta(weeks=i) for i in range(10)]
    assert [w.period for w in weeks] == ["usual"] * 8 + ["window"] * 2
    first = weeks[0]  # from Tuesday 6 January: Wednesday, Friday, Sunday rest
    assert (first.days, first.km, first.descent_m, first.rest_days) == (6, 24, 60, 3)
    assert all((w.km, w.rest_days, w.factors) == (24, 4, ()) for w in weeks[1:8])
    assert [(w.km, w.descent_m, w.rest_days, w.runs) for w in weeks[8:]] == [
        (63, pytest.approx(100), 0, 7),
        (68, pytest.approx(100), 0, 7),
    ]
    assert {"load_ramp", "long_run_spike", "rest_days"} <= set(weeks[8].factors)
    assert "load_ramp" not in weeks[9].factors  # its episode ended on Sunday 8 March
    assert "long_run_spike" in weeks[9].factors


def test_history_sets_each_factor_against_how_often_it_is_there(two_weeks):
    h = two_weeks.history
    assert [(p.started_on, p.location, p.side, p.max_score) for p in h.pain_episodes] == [
        (date(2026, 2, 9), "arch", "right", 2),
        (D, "heel", "left", 4),
    ]
    assert [p.place for p in h.pain_episodes] == ["right arch", "left heel"]
    assert h.pain_episodes[0].factors == ()  # steady weeks before the arch
    assert {"load_ramp", "long_run_spike", "rest_days"} <= set(h.pain_episodes[1].factors)
    # windows of 14 days before each Monday whose window lies in the history (from
    # 6 January): Mondays 26 Jan to 16 Mar, 8 windows; load_ramp (5-8 March) is in the
    # windows before 9 and 16 March
    assert h.base_windows == 8
    ramp = next(f for f in h.factors if f.factor == "load_ramp")
    assert (ramp.preceded, ramp.pain_episodes, ramp.base_rate) == (1, 2, 2 / 8)
    shoe = next(f for f in h.factors if f.factor == "shoe_change")
    assert (shoe.preceded, shoe.base_rate) == (0, 0)
    assert h.warning == WARNING


def test_six_weeks_by_default_with_the_little_usual_there_is(rae):
    lb = look_back(rae, day=D)
    assert (lb.window.first, lb.window.days) == (date(2026, 2, 2), 42)
    assert (lb.usual.first, lb.usual.last, lb.usual.days) == (FIRST_DAY, date(2026, 2, 1), 27)
    assert "the 3.9 weeks of history before the window" in lb.notes[0]
    m = measures(lb)
    # four usual weeks in the window (96 km) and the two of 131; 96 km in the 27 days before
    assert m["run_km_per_week"].window == pytest.approx((96 + 131) / 6)
    assert m["run_km_per_week"].usual == pytest.approx(96 / (27 / 7))
    assert len(lb.series) == 10
    assert lb.history.base_windows == 4  # Mondays 23 Feb to 16 Mar
    assert lb.history.pain_episodes[0].factors == ()


def test_a_window_longer_than_the_history_has_no_usual(rae):
    lb = look_back(rae, day=day(5, 0), weeks=6)  # Monday 2 February
    assert (lb.window.first, lb.window.days, lb.usual) == (FIRST_DAY, 27, None)
    assert lb.notes == (
        "The window has only 27 days: rae's history starts on 2026-01-06.",
        "No history before the window: there is no usual to compare with.",
    )
    m = measures(lb)
    assert m["run_km_per_week"].window == pytest.approx(96 / (27 / 7))
    assert all(x.usual is None and x.change is None for x in lb.measures)
    assert lb.history.pain_episodes == ()
    assert lb.history.warning == (
        "No pain episodes in the journal up to 2026-02-02: nothing to compare with."
    )


@pytest.mark.parametrize(
    ("day_", "athlete", "message"),
    [
        (date(2025, 12, 1), "rae", "rae's history starts on 2026-01-06"),
        (FIRST_DAY, "rae", "nothing to look back on before 2026-01-06"),
        (date.today() + timedelta(days=2), "rae", "is in the future"),
        (D, "nobody", "no activities for athlete 'nobody'"),
    ],
    ids=["before-history", "first-day", "future", "unknown-athlete"],
)
def test_days_without_anything_before_them_are_one_error(rae, day_, athlete, message):
    with pytest.raises(GaitloadError, match=message):
        look_back(rae, day=day_, athlete=athlete)


def test_no_database_is_an_error_not_an_empty_file(tmp_path):
    settings = make_settings(tmp_path)
    with pytest.raises(GaitloadError, match="import something first"):
        look_back(settings, day=D)
    assert not settings.db_path.exists()


def test_while_a_writer_holds_the_file_it_reads_the_snapshot(rae):
    with database_held_by_another_process(rae.db_path):
        lb = look_back(rae, day=D, weeks=2)
    assert lb.source_note and lb.source_note.startswith("the database is being written")
    assert measures(lb)["longest_run_km"].window == 20


def cli_run(rae, *args: str):
    config = rae.db_path.parent / "empty.toml"
    config.touch()
    return CliRunner().invoke(
        cli, ["--db", str(rae.db_path), "--config", str(config), "lookback", *args]
    )


def test_cli_json_is_one_object_with_iso_dates(rae):
    result = cli_run(rae, "--athlete", "rae", "--date", "2026-03-16", "--weeks", "2", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert set(out) >= {"athlete", "day", "window", "usual", "factors", "measures", "series"}
    assert (out["day"], out["window"]["first"], out["usual"]["weeks"]) == (
        "2026-03-16",
        "2026-03-02",
        round(55 / 7, 4),
    )
    km = next(m for m in out["measures"] if m["key"] == "run_km_per_week")
    assert (km["window"], km["usual"], km["change_unit"]) == (
        65.5,
        round(192 / USUAL_WEEKS, 4),
        "%",
    )
    last = out["series"][-1]
    assert (last["start"], last["end"], last["period"], last["km"], last["rest_days"]) == (
        "2026-03-09",
        "2026-03-15",
        "window",
        68.0,
        0,
    )
    assert "long_run_spike" in last["factors"]
    ramp = next(f for f in out["history"]["factors"] if f["factor"] == "load_ramp")
    assert (ramp["preceded"], ramp["pain_episodes"], ramp["base_rate"]) == (1, 2, 0.25)
    assert out["history"]["warning"] == WARNING


def test_cli_tables_bars_and_chart(rae, tmp_path):
    png = tmp_path / "before.png"
    result = cli_run(rae, "--athlete", "rae", "--date", "2026-03-16", "--chart", str(png))
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Load factors in the window" in text and "Against usual" in text
    assert "▲ " in result.output and "█" in result.output
    assert "1 of 2" in text and "2 pain episodes: a handful proves nothing" in text
    assert f"Chart written to {png}" in text
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert (width, height) == (720, 280)


def test_cli_date_before_the_history_is_one_line(rae):
    result = cli_run(rae, "--athlete", "rae", "--date", "2025-12-01")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: nothing to look back on before 2025-12-01: rae's history starts on 2026-01-06"
    ]


def test_the_doc_defines_every_measure_and_shows_the_real_json_shape(two_weeks):
    from gaitload.lookback.compute import MEASURES

    text = (Path(__file__).resolve().parents[1] / "docs" / "lookback.md").read_text()
    for key, *_ in MEASURES:
        assert f"(`{key}`)" in text, f"docs/lookback.md does not define {key}"
    example = json.loads(text.split("```json\n")[1].split("```")[0])
    real = two_weeks.to_json()

    def shape(value):
        if isinstance(value, dict):
            return {k: shape(v) for k, v in value.items()}
        if isinstance(value, list):
            return [shape(value[0])] if value and isinstance(value[0], dict) else []
        return None

    assert shape(example) == shape(real)
