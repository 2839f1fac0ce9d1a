"""Training histories for rule tests: plans of runs written as real FIT files and imported.

Athletes live on UTC (the files say so), so a run's day is its local day. The steady week,
Monday first: Tue 8 km road, Wed a 60 min ride, Thu 8 km trail with 60 m of gentle climb
(3.75 % grades: not a hill session), Sat 14 km road, Sun 6 km track: 36 km, three rest
days, four surfaces.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from gaitload.config import AthleteSettings, Settings
from gaitload.demo.fitwriter import SessionSpec, write_fit
from gaitload.ingest import import_paths
from gaitload.store.shoes import add_shoe
from tests.builders import steady_run

START = date(2026, 1, 5)
"""A Monday: every history starts here."""
BASE_WEEKS = 5
WEEK6 = START + timedelta(weeks=BASE_WEEKS)
"""Monday 2026-02-09: where the patterns begin, after five steady weeks."""


@dataclass(frozen=True)
class Run:
    day: date
    km: float
    surface: str = "street"
    climb_m: float = 0.0
    cadence_spm: float = 170.0


@dataclass(frozen=True)
class Ride:
    day: date
    minutes: int = 60


@dataclass(frozen=True)
class Shoe:
    name: str
    from_day: date


def day(week: int, weekday: int) -> date:
    """Week 1 is START's week; weekday 0 is Monday."""
    return START + timedelta(weeks=week - 1, days=weekday)


def steady_week(week: int, *, ride: bool = True, cadence_spm: float = 170.0) -> list:
    plan: list = [
        Run(day(week, 1), 8, cadence_spm=cadence_spm),
        Run(day(week, 3), 8, "trail", climb_m=60, cadence_spm=cadence_spm),
        Run(day(week, 5), 14, cadence_spm=cadence_spm),
        Run(day(week, 6), 6, "track", cadence_spm=cadence_spm),
    ]
    return [*plan, Ride(day(week, 2))] if ride else plan


def steady_weeks(weeks: int = BASE_WEEKS, **kwargs) -> list:
    return [item for w in range(1, weeks + 1) for item in steady_week(w, **kwargs)]


def replace_week(plan: list, week: int, new: list) -> list:
    """`plan` (activities only) with week `week`'s activities swapped for `new`."""
    first, last = day(week, 0), day(week, 6)
    return [p for p in plan if not first <= p.day <= last] + new


def athlete_settings(settings: Settings, names: list[str]) -> Settings:
    from dataclasses import replace

    athletes = {**settings.athletes, **{n: AthleteSettings(n, "UTC") for n in names}}
    return replace(settings, athletes=athletes)


def build(settings: Settings, folder: Path, athlete: str, plan: list) -> None:
    """Write `plan` as FIT files in `folder/athlete` and import them for `athlete`."""
    out = folder / athlete
    out.mkdir(parents=True)
    activities = sorted((p for p in plan if not isinstance(p, Shoe)), key=lambda p: p.day)
    for i, item in enumerate(activities):
        if isinstance(item, Ride):
            samples = steady_run(item.minutes * 60 * 7 / 1000, speed_m_s=7.0, interval_s=30)
            samples = samples.drop("cadence_spm").with_columns(cadence_rpm=90.0)
            session = SessionSpec("cycling", samples, "road")
        else:
            # hills need 10 s records for their grade (a 31 s window), flat runs do with 30 s;
            # 25 m and 100 m steps make every distance exact
            interval_s, speed = (10, 2.5) if item.climb_m else (30, 10 / 3)
            samples = steady_run(
                item.km,
                climb_m=item.climb_m,
                cadence_spm=item.cadence_spm,
                interval_s=interval_s,
                speed_m_s=speed,
            )
            session = SessionSpec("running", samples, item.surface)
        start = datetime.combine(item.day, time(7 if isinstance(item, Run) else 18), tzinfo=UTC)
        # the watch's serial number makes each athlete's files their own: the same run by
        # two athletes would otherwise be the same file content, imported once
        serial = zlib.crc32(athlete.encode())
        write_fit(out / f"{i:03}.fit", start, [session], local_offset_s=0, serial_number=serial)
    report = import_paths(settings, [out], athlete=athlete, workers=1)
    assert report.count("rejected") == 0
    for shoe in (p for p in plan if isinstance(p, Shoe)):
        add_shoe(settings, shoe.name, athlete=athlete, in_use_from=shoe.from_day)


ANNA_CONFIG = """
[athletes.anna]
timezone = "UTC"
email = "anna@example.org"
coach = "coach@example.org"
"""
HOSTILE_SHOE = '<b>Fast & "Light"</b>'
HOSTILE_RUN_NAME = '<img src=x onerror=alert(1)> "Long" run'
SPIKE_WARN = WEEK6 + timedelta(days=5)
"""Saturday 14 Feb: 16 km after a longest of 14 (+14 %), in a brand-new shoe."""
SPIKE_HIGH = WEEK6 + timedelta(days=9)
"""Wednesday 18 Feb: 33 km, more than double the 16 (+106 %): the same episode, escalated."""


def anna_plan() -> list:
    """Five steady weeks in 'Old Faithful', then a spike that escalates, in a new shoe."""
    plan = replace_week(
        steady_weeks(6),
        6,
        [*steady_week(6)[:2], Run(SPIKE_WARN, 16), Run(WEEK6 + timedelta(days=6), 6)],
    )
    return [
        *plan,
        Run(SPIKE_HIGH, 33),
        Shoe("Old Faithful", START),
        Shoe(HOSTILE_SHOE, WEEK6),
    ]


def build_anna(settings: Settings, folder: Path) -> None:
    """Anna's history, the spike run named by her (as Strava would give it a title)."""
    import duckdb

    build(settings, folder, "anna", anna_plan())
    with duckdb.connect(str(settings.db_path)) as con:
        con.execute(
            "UPDATE core.activities SET name = ? WHERE start_time_utc::DATE = ?",
            [HOSTILE_RUN_NAME, SPIKE_HIGH],
        )
