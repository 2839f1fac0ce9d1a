"""A synthetic but realistic runner in Boulder, Colorado, written as real FIT files.

The demo has to show what gaitload is for, so the data tells a story: months of a
steady, sensible base (4-5 runs and 30-35 km a week, a weekly long run that never jumps
more than 8 % past the longest of the 30 days before, a Thursday trail run, rest days,
a bike ride every week or two: steady by every rule in gaitload.rules), followed by a
planted "too much, too soon" block in the last three weeks: weekly volume +50% and then
more, 10+ days in a row without rest, more hill running, a long run a little more than
double anything in the previous 30 days, and a cadence that sags with fatigue. Those are
the patterns the risk alerts look for.

The runs are around Boulder so that a GPS time-zone lookup gives America/Denver, and
each file's ``local_timestamp`` carries the real, DST-aware Denver offset, including a
Sunday-evening run that is already Monday in UTC (a classic week-bucketing bug).

Everything is deterministic for a given ``(end, weeks, seed)``: the plan comes from one
``random.Random(seed)`` and each activity's samples from its own RNG seeded by the seed
and the activity's start, so parallel writing cannot change a byte.
"""

from __future__ import annotations

import math
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from gaitload.demo.fitwriter import SessionSpec, write_fit
from gaitload.workers import process_pool

__all__ = [
    "DEMO_ATHLETE",
    "DEMO_TIMEZONE",
    "PlannedActivity",
    "activity_samples",
    "plan_activities",
    "write_demo_athlete",
]

DEMO_ATHLETE = "demo"
DEMO_TIMEZONE = "America/Denver"

#: Seconds between records, like a watch's "smart recording"; keeps the demo fast.
RECORD_INTERVAL_S = 5
#: The runner's note on the last run of the overload block: the pain the look-back starts from.
PAIN_NOTE = "Heavy legs since the long run.\npain: right top of foot 4/10 (sore on the bone)"
#: Weeks at the end of the plan that form the planted overload block.
RAMP_WEEKS = 3

_TZ = ZoneInfo(DEMO_TIMEZONE)
_HOME = (40.015, -105.27)  # central Boulder
_HOME_ALTITUDE_M = 1655.0
_TRAILHEADS = (  # (lat, lon, altitude) of a few Boulder trailheads
    (39.9990, -105.2820, 1735.0),  # Chautauqua
    (40.0203, -105.2976, 1720.0),  # Mount Sanitas
    (40.0530, -105.2860, 1660.0),  # Wonderland Lake
)
_TRACK = (40.0104, -105.2655, 1640.0)  # a 400 m track
_M_PER_DEG_LAT = 111_320.0


@dataclass(frozen=True)
class PlannedActivity:
    """One planned workout; everything needed to synthesize its samples."""

    start_local: datetime  # tz-aware, America/Denver
    sport: str  # "running" or "cycling"
    sub_sport: str  # "street", "trail", "track", "treadmill", "road"
    distance_m: float
    speed_m_s: float  # mean speed over the whole activity
    ascent_m: float  # target total ascent (0 = flat)
    cadence: float  # mean spm for runs, rpm for rides
    hr_base: float  # steady-state heart rate once warmed up
    long_run: bool = False
    fatigue: float = 0.0  # 0 during the base, rising to 1 at the end of the overload block
    notes: str | None = None  # written into the FIT file's notes, as a watch app would
    interval_s: int = RECORD_INTERVAL_S  # seconds between records (a watch's 1 s setting: 1)

    @property
    def duration_s(self) -> int:
        """Duration rounded to whole record intervals."""
        steps = max(12, round(self.distance_m / self.speed_m_s / self.interval_s))
        return steps * self.interval_s

    @property
    def file_name(self) -> str:
        """E.g. ``2026-07-14-0612-run.fit``: what a user sees in a folder of exports."""
        kind = "run" if self.sport == "running" else "ride"
        return f"{self.start_local:%Y-%m-%d-%H%M}-{kind}.fit"


# --- the training plan -------------------------------------------------------------


def plan_activities(end: date, *, weeks: int = 16, seed: int = 7) -> list[PlannedActivity]:
    """Plan about ``weeks`` weeks of training ending on ``end`` (local date), oldest first.

    The overload block is the last ``RAMP_WEEKS`` * 7 days up to and including ``end``
    (a run day). The base before it is planned in calendar weeks starting on Mondays, the
    first one on the Monday on or before ``end - (7 * weeks - 1)`` days, so that weekly
    totals bucketed by Monday are as steady as the plan; the base week the block starts
    in is cut short.
    """
    if weeks <= RAMP_WEEKS:
        raise ValueError(f"weeks must be at least {RAMP_WEEKS + 1}, got {weeks}")
    rng = random.Random(seed)
    ramp_start = end - timedelta(days=7 * RAMP_WEEKS - 1)
    first_day = end - timedelta(days=7 * weeks - 1)
    first_day -= timedelta(days=first_day.weekday())
    base_days = [first_day + timedelta(days=i) for i in range((ramp_start - first_day).days)]
    base_weeks = [base_days[i : i + 7] for i in range(0, len(base_days), 7)]

    plan: list[PlannedActivity] = []
    full_week_volumes: list[float] = []
    rode_last_week = False
    for index, days in enumerate(base_weeks):
        week, rode_last_week = _base_week(
            rng,
            days,
            first=index == 0,
            rode_last_week=rode_last_week,
            history=plan,
            treadmill=index % 3 == 2,
        )
        if len(days) == 7:
            full_week_volumes.append(sum(a.distance_m for a in week if a.sport == "running"))
        plan.extend(week)

    base_volume = sum(full_week_volumes) / len(full_week_volumes)
    ramp_days = [ramp_start + timedelta(days=i) for i in range(7 * RAMP_WEEKS)]
    plan.extend(_overload_block(rng, ramp_days, base_volume, plan))
    plan.sort(key=lambda a: a.start_local)
    last_run = max(i for i, a in enumerate(plan) if a.sport == "running")
    plan[last_run] = replace(plan[last_run], notes=PAIN_NOTE)
    return plan


def _base_week(
    rng: random.Random,
    days: list[date],
    *,
    first: bool,
    rode_last_week: bool,
    history: list[PlannedActivity],
    treadmill: bool = False,
) -> tuple[list[PlannedActivity], bool]:
    """A sensible week: 4-5 runs, 30.5-33.5 km, a long run at the weekend, Friday off.

    ``days`` are the Monday-first days of one calendar week (fewer if the week is cut
    short). Run days are picked by weekday (Tue/Thu plus the weekend, Wed when there are
    five); Friday is always a rest day. Thursday is a modest trail run, every week, so the
    hills are as steady as the volume; the long run stays within 8 % of the longest run of
    the 30 days before it. With ``treadmill`` (every third week) Tuesday's run is indoors.
    The first week always has a Sunday evening run: 18:00-20:00 in Denver is already
    Monday in UTC.
    """
    by_weekday = {day.weekday(): day for day in days}
    n_runs = 4 if first else rng.choices((4, 5), weights=(5, 3))[0]
    long_weekday = 5 if first else rng.choice((5, 6))
    weekdays = {4: [1, 3, 5, 6], 5: [1, 2, 3, 5, 6]}[n_runs]

    target_m = rng.uniform(30_500, 33_500)
    long_m = rng.uniform(10_000, 13_000)
    long_day = by_weekday.get(long_weekday, days[-1])
    recent = [
        a.distance_m
        for a in history
        if a.sport == "running" and 0 < (long_day - a.start_local.date()).days <= 30
    ]
    if recent:
        long_m = min(long_m, 1.08 * max(recent))
    easy = {w: rng.uniform(0.85, 1.15) for w in weekdays if w != long_weekday}
    scale = (target_m - long_m) / sum(easy.values())

    week: list[PlannedActivity] = []
    for weekday in weekdays:
        day = by_weekday.get(weekday)
        if day is None:  # a week cut short by the overload block
            continue
        if weekday == long_weekday:
            week.append(_run(rng, day, long_m, "street", long_run=True, evening_p=0.1, hills=40))
            continue
        distance = max(4_500.0, easy[weekday] * scale)
        if weekday == 3:
            week.append(_run(rng, day, distance, "trail", hills=210))
        elif first and weekday == 6:
            week.append(_run(rng, day, distance, "street", evening_p=1.0, hills=40))
        elif treadmill and weekday == 1:
            week.append(_run(rng, day, distance, "treadmill"))
        else:
            surface = _easy_surface(rng, trail_p=0.0)
            evening_p = 0.35 if weekday == 6 else 0.2
            week.append(_run(rng, day, distance, surface, evening_p=evening_p, hills=40))

    ride_day = by_weekday.get(2 if 2 not in weekdays else 0)
    ride = ride_day is not None and (not rode_last_week or rng.random() < 0.5)
    if ride:
        week.append(_ride(rng, ride_day))
    return week, ride


def _overload_block(
    rng: random.Random, days: list[date], base_volume_m: float, history: list[PlannedActivity]
) -> list[PlannedActivity]:
    """The planted "too much, too soon" block: the pattern the risk alerts should catch.

    Week 1 runs six days at ~1.5x the base volume, weeks 2 and 3 run every day (so the
    streak without rest is 18 days), week 2 is ~2x the base, and week 3 has a long run
    a little more than twice (2.05x) the longest run of the 30 days before it. Trail share
    rises to ~40%, and ``fatigue`` lowers cadence and raises heart rate as the block goes on.
    """
    block: list[PlannedActivity] = []
    weeks = [days[i : i + 7] for i in range(0, len(days), 7)]
    for w, week_days in enumerate(weeks):
        run_days = [d for i, d in enumerate(week_days) if not (w == 0 and i == 2)]
        if w < 2:
            target_m = base_volume_m * (1.5 if w == 0 else 2.0)
            long_day = next(d for d in run_days if d.weekday() >= 5)
            long_m = rng.uniform(12_000, 13_000)
            easy_m = (target_m - long_m) / (len(run_days) - 1)
        else:
            long_day = week_days[4]
            before = long_day - timedelta(days=30)
            longest = max(
                a.distance_m
                for a in [*history, *block]
                if a.sport == "running" and before <= a.start_local.date() < long_day
            )
            long_m = math.ceil(2.05 * longest / 100) * 100
            easy_m = 7_500.0
        for day in run_days:
            fatigue = (day - days[0]).days / (len(days) - 1)
            if day == long_day:
                distance, surface, evening_p = long_m, "street", 0.0
            else:
                distance = min(11_500.0, max(5_000.0, easy_m * rng.uniform(0.9, 1.1)))
                surface, evening_p = _easy_surface(rng, trail_p=0.4, treadmill_p=0.0), 0.25
            run = _run(
                rng,
                day,
                distance,
                surface,
                long_run=day == long_day,
                evening_p=evening_p,
                overload=True,
                fatigue=fatigue,
            )
            block.append(run)
    return block


def _easy_surface(rng: random.Random, *, trail_p: float, treadmill_p: float = 0.08) -> str:
    r = rng.random()
    if r < trail_p:
        return "trail"
    if r < trail_p + 0.08:
        return "track"
    if r < trail_p + 0.08 + treadmill_p:
        return "treadmill"
    return "street"


def _start(rng: random.Random, day: date, *, evening: bool) -> datetime:
    """Mornings 06:00-08:00 local, evenings 18:00-20:00 local, to the minute."""
    minutes = (18 if evening else 6) * 60 + rng.randrange(120)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=_TZ)


def _run(
    rng: random.Random,
    day: date,
    distance_m: float,
    surface: str,
    *,
    long_run: bool = False,
    evening_p: float = 0.2,
    overload: bool = False,
    fatigue: float = 0.0,
    hills: float | None = None,
) -> PlannedActivity:
    """An easy-effort run: 5:30-6:00 min/km on the flat, slower on trails.

    ``hills`` narrows the road and trail climb to +-15 % around it (the steady base).
    """
    pace = rng.uniform(330, 360) + (8 if long_run else 0) + 6 * fatigue
    pace += {"trail": 45, "track": -10, "treadmill": 0, "street": 0}[surface]
    ascent = {
        "trail": rng.uniform(150, 400),
        "street": rng.uniform(20, 80),
        "track": 0.0,
        "treadmill": 0.0,
    }[surface]
    if hills is not None and surface in ("trail", "street"):
        ascent = hills * rng.uniform(0.85, 1.15)
    cadence = rng.uniform(168, 174) + (2 if surface == "treadmill" else 0)
    if overload:  # tired legs: a few % fewer steps per minute, worse as the block goes on
        cadence *= 1 - (0.03 + 0.01 * fatigue)
    evening = rng.random() < (0.5 if surface == "treadmill" else evening_p)
    return PlannedActivity(
        start_local=_start(rng, day, evening=evening),
        sport="running",
        sub_sport=surface,
        distance_m=round(distance_m, -1),
        speed_m_s=1000.0 / pace,
        ascent_m=ascent,
        cadence=cadence,
        hr_base=rng.uniform(138, 147) + 4 * fatigue + (3 if surface == "trail" else 0),
        long_run=long_run,
        fatigue=fatigue,
    )


def _ride(rng: random.Random, day: date) -> PlannedActivity:
    """Cross-training: an easy 60-90 min road ride at ~7 m/s and ~85 rpm."""
    speed = rng.uniform(6.6, 7.4)
    duration = rng.uniform(60, 90) * 60
    return PlannedActivity(
        start_local=_start(rng, day, evening=rng.random() < 0.3),
        sport="cycling",
        sub_sport="road",
        distance_m=round(speed * duration, -1),
        speed_m_s=speed,
        ascent_m=rng.uniform(150, 450),
        cadence=rng.uniform(83, 88),
        hr_base=rng.uniform(125, 138),
    )


# --- samples -----------------------------------------------------------------------


def activity_samples(plan: PlannedActivity, rng: random.Random) -> pl.DataFrame:
    """Synthesize a record every `plan.interval_s`: position, altitude, distance, speed, HR,
    cadence.

    Altitude is a smooth loop profile (a few whole-period sines, so start and finish
    match) scaled to the planned ascent, plus +-0.3 m of barometer noise. Speed slows
    uphill and is rescaled so the distance is exactly the planned one; heart rate warms
    up, drifts and follows the grade; running cadence drops a little late in long runs.
    """
    duration = plan.duration_s
    step = plan.interval_s
    n = duration // step + 1
    t = [i * step for i in range(n)]
    frac = [ti / duration for ti in t]
    running = plan.sport == "running"
    indoor = plan.sub_sport == "treadmill"

    smooth = _profile(plan, rng, frac)
    v0 = plan.speed_m_s
    grade = [
        (smooth[min(i + 1, n - 1)] - smooth[max(i - 1, 0)]) / (2 * step * v0) for i in range(n)
    ]

    speed = _speeds(plan, rng, t, frac, grade)
    distance = [0.0]
    for i in range(1, n):
        distance.append(distance[-1] + (speed[i - 1] + speed[i]) / 2 * step)
    scale = plan.distance_m / distance[-1]
    speed = [v * scale for v in speed]
    distance = [d * scale for d in distance]

    hr_phase = rng.uniform(0, 2 * math.pi)
    heart_rate = []
    for ti, g in zip(t, grade, strict=True):
        warm = 1 - math.exp(-ti / 150)
        hr = 100 + (plan.hr_base - 100) * warm + 5 * ti / 3600 + 70 * max(-0.05, g)
        hr += 1.5 * math.sin(2 * math.pi * ti / 900 + hr_phase) + rng.gauss(0, 1.2)
        heart_rate.append(round(min(190.0, max(85.0, hr))))

    columns: dict[str, list] = {"t_s": t}
    if not indoor:
        route = _route(plan, rng)
        lat, lon = zip(*(route(d) for d in distance), strict=True)
        columns |= {"lat": list(lat), "lon": list(lon)}
        columns["altitude_m"] = [round(a + rng.uniform(-0.3, 0.3), 2) for a in smooth]
    columns |= {"distance_m": distance, "speed_m_s": speed, "heart_rate": heart_rate}
    if running:
        columns["cadence_spm"] = _run_cadence(plan, rng, t, frac)
    else:
        columns["cadence_rpm"] = [
            0 if g < -0.05 and rng.random() < 0.5 else round(plan.cadence + rng.gauss(0, 3))
            for g in grade
        ]
    return pl.DataFrame(columns)


def _profile(plan: PlannedActivity, rng: random.Random, frac: list[float]) -> list[float]:
    """Smooth altitude (m) over the activity, with total ascent == plan.ascent_m."""
    if plan.sub_sport == "trail":
        base = rng.choice(_TRAILHEADS)[2]
        # one big climb out and back, with a few rollers on the way
        terms = [(1, 1.0, -math.pi / 2), (3, 0.15, rng.uniform(0, 6.3)), (5, 0.08, 1.0)]
    elif plan.sub_sport == "track":
        base, terms = _TRACK[2], []
    elif plan.sub_sport == "treadmill":
        base, terms = _HOME_ALTITUDE_M, []
    else:
        base = _HOME_ALTITUDE_M
        terms = [(k, rng.uniform(0.3, 1.0), rng.uniform(0, 2 * math.pi)) for k in (1, 2, 3, 5)]
    if not terms or plan.ascent_m <= 0:
        return [base] * len(frac)

    def unit(f: float) -> float:
        return sum(a * math.sin(2 * math.pi * k * f + p) for k, a, p in terms)

    shape = [unit(f) - unit(0.0) for f in frac]
    climbed = sum(max(0.0, b - a) for a, b in pairwise(shape))
    gain = plan.ascent_m / climbed if climbed else 0.0
    return [base + gain * s for s in shape]


def _speeds(
    plan: PlannedActivity,
    rng: random.Random,
    t: list[int],
    frac: list[float],
    grade: list[float],
) -> list[float]:
    """Speed before rescaling: slower uphill, a little surging, fading late in long runs."""
    v0 = plan.speed_m_s
    if plan.sub_sport == "treadmill":
        return [v0 + rng.gauss(0, 0.005) for _ in t]
    hill = 8.0 if plan.sport == "cycling" else 3.5
    lo, hi = (0.35, 1.6) if plan.sport == "cycling" else (0.55, 1.2)
    phase = rng.uniform(0, 2 * math.pi)
    speeds = []
    for ti, f, g in zip(t, frac, grade, strict=True):
        v = v0 * (1 + 0.03 * math.sin(2 * math.pi * ti / 420 + phase))
        v *= min(hi, max(lo, 1 - hill * g))
        if plan.long_run:
            v *= 1 - 0.05 * max(0.0, (f - 0.6) / 0.4)
        speeds.append(max(0.5, v + rng.gauss(0, 0.03 * v0)))
    speeds[0] = min(speeds[0], 0.6 * v0)  # the watch starts while you get going
    return speeds


def _run_cadence(
    plan: PlannedActivity, rng: random.Random, t: list[int], frac: list[float]
) -> list[float]:
    """Steps/min with small noise; long runs lose ~3 spm over their last 40%."""
    phase = rng.uniform(0, 2 * math.pi)
    out = []
    for ti, f in zip(t, frac, strict=True):
        spm = plan.cadence + 1.0 * math.sin(2 * math.pi * ti / 600 + phase) + rng.gauss(0, 0.8)
        if plan.long_run:
            spm -= 3.0 * max(0.0, (f - 0.6) / 0.4)
        out.append(round(spm, 2))
    return out


def _route(plan: PlannedActivity, rng: random.Random) -> Callable[[float], tuple[float, float]]:
    """Map distance along the route (m) to (lat, lon) for this activity's surface."""
    total = plan.distance_m
    if plan.sub_sport == "track":
        lat0, lon0, _ = _TRACK
        radius = 400 / (2 * math.pi)

        def track(s: float) -> tuple[float, float]:
            theta = 2 * math.pi * s / 400
            return _offset(lat0, lon0, radius * math.cos(theta), radius * math.sin(theta))

        return track

    if plan.sub_sport == "trail":
        lat0, lon0, _ = rng.choice(_TRAILHEADS)
        bearing = math.radians(rng.uniform(150, 210))  # heading west into the foothills
        ux, uy = math.cos(bearing), math.sin(bearing)

        def out_and_back(s: float) -> tuple[float, float]:
            along = min(s, total - s)
            side = 120 * math.sin(2 * math.pi * along / 1300)
            return _offset(lat0, lon0, along * ux - side * uy, along * uy + side * ux)

        return out_and_back

    # street run or road ride: a lumpy loop from (near) home and back
    lat0 = _HOME[0] + rng.uniform(-0.004, 0.004)
    lon0 = _HOME[1] + rng.uniform(-0.004, 0.004)
    radius = total / (2 * math.pi * 1.05)
    lobes, wobble, phase = rng.choice((2, 3)), 0.2, rng.uniform(0, 2 * math.pi)
    alpha = rng.uniform(0, 2 * math.pi)

    def r(theta: float) -> float:
        return radius * (1 + wobble * math.sin(lobes * theta + phase))

    cx, cy = -r(0.0) * math.cos(alpha), -r(0.0) * math.sin(alpha)

    def loop(s: float) -> tuple[float, float]:
        theta = 2 * math.pi * s / total
        rr = r(theta)
        return _offset(
            lat0, lon0, cx + rr * math.cos(theta + alpha), cy + rr * math.sin(theta + alpha)
        )

    return loop


def _offset(lat0: float, lon0: float, east_m: float, north_m: float) -> tuple[float, float]:
    lat = lat0 + north_m / _M_PER_DEG_LAT
    lon = lon0 + east_m / (_M_PER_DEG_LAT * math.cos(math.radians(lat0)))
    return round(lat, 7), round(lon, 7)


# --- writing -----------------------------------------------------------------------


def _write_activity(plan: PlannedActivity, out_dir: Path, seed: int) -> Path:
    """Synthesize and write one activity; runs in a worker process when parallel."""
    rng = random.Random(f"{seed}:{plan.start_local.isoformat()}:{plan.sport}")
    samples = activity_samples(plan, rng)
    start_utc = plan.start_local.astimezone(UTC)
    end_local = (start_utc + timedelta(seconds=plan.duration_s)).astimezone(_TZ)
    offset = end_local.utcoffset() or timedelta(0)
    return write_fit(
        out_dir / plan.file_name,
        start_utc,
        [
            SessionSpec(
                sport=plan.sport, sub_sport=plan.sub_sport, samples=samples, notes=plan.notes
            )
        ],
        local_offset_s=int(offset.total_seconds()),
        product_name="gaitload demo watch",
        serial_number=3_141_592,
    )


def write_demo_athlete(
    out_dir: Path,
    *,
    end: date,
    weeks: int = 16,
    seed: int = 7,
    workers: int | None = None,
    interval_s: int = RECORD_INTERVAL_S,
) -> list[Path]:
    """Write the demo athlete's activities as FIT files into out_dir; returns the paths.

    ``workers`` processes write files in parallel (None: one per CPU, 1: in this
    process). Paths are returned oldest first; the output does not depend on workers.
    The pool uses the "spawn" start method, so a script that calls this with
    ``workers != 1`` needs the usual ``if __name__ == "__main__":`` guard.
    ``interval_s``: seconds between records; 1 writes a watch's "every second" recording
    (the benchmarks' history), 5 keeps the demo small.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    plans = plan_activities(end, weeks=weeks, seed=seed)
    if interval_s != RECORD_INTERVAL_S:
        plans = [replace(plan, interval_s=interval_s) for plan in plans]
    n_workers = min(len(plans), workers if workers is not None else os.cpu_count() or 1)
    if n_workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    if n_workers == 1:
        return [_write_activity(plan, out_dir, seed) for plan in plans]

    # Longest first balances the pool; "spawn" because forking a process that has
    # already started polars' thread pool can deadlock.
    order = sorted(range(len(plans)), key=lambda i: -plans[i].duration_s)
    paths: list[Path | None] = [None] * len(plans)
    with process_pool(n_workers) as pool:  # its workers die with a killed demo
        futures = {i: pool.submit(_write_activity, plans[i], out_dir, seed) for i in order}
        for i, future in futures.items():
            paths[i] = future.result()
    return [p for p in paths if p is not None]
