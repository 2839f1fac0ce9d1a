"""The rules against real injuries: Lövdal et al.'s 37 training runners, imported and backtested.

    python benchmarks/lovdal_backtest.py [--folds 5] [--refresh]

Data: Lövdal SS, den Hartigh RJR, Azzopardi G. Injury Prediction in Competitive Runners With
Machine Learning. IJSPP 2021;16(10):1522-1531, doi:10.1123/ijspp.2020-0518; data
doi:10.34894/UWU9PV (CC0). Read from ../shared/data/lovdal-train (the even athlete ids: the
training half); never copied into the project. Without the folder this prints why and stops.

Each known day becomes the product's input through its own writer (`store.writer.save`, one
file per athlete): the day's km as one run (two when the day had two sessions and no other
training), cross-training hours as a ride. Day index 0 is Monday 2012-01-02 (the real weekday
is not in the data). The imported database is cached in the temporary directory, keyed on
the data and this loader, never in the repository.

Printed: the backtest of every load rule as the rules were (`gaitload.backtest.measure`,
the library behind `gaitload backtest`); the gap-matched comparison (the dataset leaves out
the healthy days around each injury, so the same gaps are cut around healthy days, and the
share of those pseudo-injuries with an alert open in the 7 days before is the baseline for
the real ones); the tuned thresholds cross-validated by athlete (k folds: chosen on the
other folds' athletes, scored on the held-out ones, pooled); the catalogue's record tables
from the held-out numbers; and the time one backtest takes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from gaitload import metrics
from gaitload.backtest import ANY, Backtest, Injury, measure
from gaitload.config import AthleteSettings, Settings
from gaitload.sources.model import Activity, ParsedFile
from gaitload.store import db, writer
from gaitload.store.snapshot import snapshot_path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data" / "lovdal-train"
DAY_FILE = "day_approach_maskedID_timeseries.csv"
DAY0 = date(2012, 1, 2)
LOADER_VERSION = "1"
RUN_SPEED_M_S = 3.5
"""Moving time of a run (the data has none): about 4:45 per km."""
MATCH_BEFORE, MATCH_AFTER = 40, 21
"""The gap pattern copied from a real injury: the days from 40 before to 21 after it."""
MATCH_SPACING = 90
"""Anchors of one athlete at least this many days apart, so one cut cannot reach another."""
SEED = 20211522


@dataclass(frozen=True)
class Dataset:
    days: list[tuple]
    """(id, day index, sessions, km, strength, alternative hours), known days only."""
    injuries: list[tuple[int, int]]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--refresh", action="store_true", help="rebuild the cached databases")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds by athlete")
    parser.add_argument("--json", type=Path, help="write the numbers here")
    args = parser.parse_args()
    if not (args.data / DAY_FILE).exists():
        print(f"skipped: {args.data / DAY_FILE} is absent (the Lövdal training data)")
        return
    data = read_dataset(args.data)
    results = run(data, folds=args.folds, refresh=args.refresh)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))


def run(data: Dataset, *, folds: int, refresh: bool = False) -> dict:
    started = time.perf_counter()
    real_db = cached_db("real", data, data.days, refresh)
    anchors, cut = gap_matched_anchors(data)
    kept = [row for row in data.days if (row[0], row[1]) not in cut]
    matched_db = cached_db("matched", data, kept, refresh)
    loaded = time.perf_counter() - started
    injuries = [Injury(name(i), day(d)) for i, d in data.injuries]
    pseudo = [Injury(name(i), day(d)) for i, d in anchors]

    timings = []

    def backtest(path: Path, listed: list[Injury], point: tuple) -> Backtest:
        started = time.perf_counter()
        with duckdb_open(path) as con:
            result = measure(con, settings(path, data, point), injuries=listed)
        timings.append(time.perf_counter() - started)
        return result

    grid = {point: backtest(real_db, injuries, point) for point in GRID}
    before = backtest(real_db, injuries, BEFORE)
    main_point = backtest(real_db, injuries, MAIN)
    before_matched = backtest(matched_db, pseudo, BEFORE)
    print_table("Before (the rules as they were; training data, 37 runners)", before)
    print_matched(before, before_matched)
    print_table("Before this tuning round (the first cross-validation's point, all 37)", main_point)
    print_matched(main_point, backtest(matched_db, pseudo, MAIN))

    # k-fold by athlete: each fold's parameters are chosen on the other folds' athletes
    # and scored on its own; the held-out results are pooled.
    athletes = sorted({name(i) for i, _ in data.injuries} | {name(r[0]) for r in data.days})
    random.Random(SEED).shuffle(athletes)
    held_out: Backtest | None = None
    held_matched: Backtest | None = None
    matched_at: dict[tuple, Backtest] = {}
    chosen = []
    for k in range(folds):
        test = set(athletes[k::folds])
        train = set(athletes) - test
        point = max(GRID, key=lambda p: objective(grid[p].only(train)))
        chosen.append(point)
        if point not in matched_at:
            matched_at[point] = backtest(matched_db, pseudo, point)
        part, part_m = grid[point].only(test), matched_at[point].only(test)
        held_out = part if held_out is None else held_out + part
        held_matched = part_m if held_matched is None else held_matched + part_m
    print(f"\nChosen on the training folds ({', '.join(GRID_NAMES)}): {chosen}")
    print_table(f"After, held-out athletes pooled over {folds} folds", held_out)
    print_matched(held_out, held_matched)
    final = max(GRID, key=lambda p: objective(grid[p]))
    print(f"\nChosen on all 37 athletes (the defaults shipped; not a held-out result): {final}")
    print_table("After, defaults on all 37 athletes (tuned on them: training numbers)", grid[final])
    if final not in matched_at:
        matched_at[final] = backtest(matched_db, pseudo, final)
    print_matched(grid[final], matched_at[final])
    print("\nThe catalogue's records (rules/catalogue.toml), from the held-out numbers:")
    print(record_toml(held_out))
    print(
        f"\nimport (or cache) {loaded:6.1f} s; one backtest of all rules and athletes: "
        f"median {sorted(timings)[len(timings) // 2]:5.1f} s over {len(timings)} runs"
        " (2 shared cores: noisy)"
    )
    return {
        "grid": {str(p): b.to_json() for p, b in grid.items()},
        "before": before.to_json(),
        "before_matched": before_matched.to_json(),
        "held_out": held_out.to_json(),
        "held_out_matched": held_matched.to_json(),
        "chosen": [str(p) for p in chosen],
        "final": str(final),
        "final_backtest": grid[final].to_json(),
        "final_matched": matched_at[final].to_json(),
    }


GRID_NAMES = (
    "load_ramp.usual_factor",
    "load_ramp.peak_pct",
    "rest_days.warn_opt_in",
    "rest_days.warn_usual_rest_days_28d",
    "bone_stress_pattern.window_days",
)
GRID = [(f, p, w, 12.0, 7.0) for f in (2.0, 4.0) for p in (-100.0, 0.0, 10.0) for w in (0.0, 1.0)]
"""Tuned by athlete fold: the ramp's factor over the usual rise, how far above the athlete's
own recent peak a week must be to warn (-100: no peak), and whether rest_days warns at all."""
BEFORE = (0.0, -100.0, 1.0, 0.0, 14.0)
"""The rules as they were first measured: a fixed 10 % ramp, and no rest day in 7 warns everyone."""
MAIN = (4.0, -100.0, 1.0, 12.0, 7.0)
"""The rules before this round of tuning (the point the first cross-validation chose)."""


def settings(path: Path, data: Dataset, point: tuple) -> Settings:
    base = default_settings(path, data)
    thresholds: dict[str, dict[str, float]] = {}
    for key, value in zip(GRID_NAMES, point, strict=True):
        factor, threshold = key.split(".")
        thresholds.setdefault(factor, {})[threshold] = value
    return Settings(
        db_path=base.db_path,
        data_dir=base.data_dir,
        default_athlete=base.default_athlete,
        athletes=base.athletes,
        thresholds=thresholds,
    )


def objective(bt: Backtest) -> tuple:
    """Within the targets on alert volume (open on at most 20 % of days, at most 8 spells a
    year), the highest lower bound of the risk ratio; outside them, the fewest days open."""
    r = bt.record(ANY)
    within = (r.open_share or 0) <= 0.20 and (r.spells_per_year or 0) <= 8
    return (within, r.rr_low or 0) if within else (within, -(r.open_share or 0))


def read_dataset(folder: Path) -> Dataset:
    path = str(folder / DAY_FILE)
    con = duckdb.connect()
    days = con.execute(sqlfiles_text("lovdal_days.sql"), {"path": path}).fetchall()
    injuries = con.execute(sqlfiles_text("lovdal_injuries.sql"), {"path": path}).fetchall()
    return Dataset(days=days, injuries=injuries)


def sqlfiles_text(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8")


def name(athlete_id: int) -> str:
    return f"lovdal-{athlete_id:02d}"


def day(index: int) -> date:
    return DAY0 + timedelta(days=index)


def default_settings(path: Path, data: Dataset) -> Settings:
    ids = sorted({row[0] for row in data.days})
    return Settings(
        db_path=path,
        data_dir=path.parent,
        default_athlete=name(ids[0]),
        athletes={name(i): AthleteSettings(name(i), "UTC") for i in ids},
    )


def cached_db(kind: str, data: Dataset, days: list[tuple], refresh: bool) -> Path:
    """The imported days in a DuckDB file under the temporary directory, built once."""
    key = hashlib.sha256(repr((LOADER_VERSION, kind, days, data.injuries)).encode()).hexdigest()[
        :16
    ]
    folder = Path(tempfile.gettempdir()) / "gaitload-lovdal"
    folder.mkdir(exist_ok=True)
    path = folder / f"{kind}-{key}.duckdb"
    if path.exists() and not refresh:
        return path
    path.unlink(missing_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    import_days(partial, days, default_settings(partial, data))
    partial.rename(path)
    snapshot_path(partial).unlink(missing_ok=True)  # the writer's copy for readers
    return path


def import_days(path: Path, days: list[tuple], settings: Settings) -> None:
    """Every athlete's days as one file through the product's writer, then its metrics."""
    by_athlete: dict[int, list[tuple]] = {}
    for row in days:
        by_athlete.setdefault(row[0], []).append(row)
    with db.opened(path) as con:
        for athlete_id, rows in by_athlete.items():
            athlete = settings.athlete(name(athlete_id))
            db_id, _ = writer.ensure_athlete(con, athlete, "UTC")
            activities = [a for row in rows for a in day_activities(row)]
            digest = hashlib.sha256(repr(rows).encode()).hexdigest()
            parsed = ParsedFile(
                path=Path(f"{name(athlete_id)}.csv"),
                sha256=digest,
                status="activity",
                activities=activities,
            )
            writer.save(con, parsed, db_id, run_id="lovdal", source="lovdal")
        metrics.refresh(con, full=True)


def day_activities(row: tuple) -> list[Activity]:
    athlete_id, index, sessions, km, strength, alt_hours = row
    runs = 2 if sessions >= 2 and not strength and not alt_hours else 1
    out = []
    if km > 0:
        for k in range(runs):
            out.append(activity(athlete_id, index, k, "running", km * 1000 / runs, None))
    if alt_hours > 0:
        out.append(activity(athlete_id, index, 9, "cycling", None, alt_hours * 3600))
    return out


def activity(
    athlete_id: int,
    index: int,
    k: int,
    sport: str,
    distance_m: float | None,
    seconds: float | None,
) -> Activity:
    start = datetime.combine(day(index), datetime.min.time()) + timedelta(hours=7 + 5 * k)
    moving = seconds if seconds is not None else distance_m / RUN_SPEED_M_S
    return Activity(
        source="lovdal",
        source_id=f"{athlete_id}-{index}-{k}",
        sport=sport,
        sub_sport=None,
        start_time_utc=start,
        utc_offset_min=0,
        offset_source="athlete",
        timezone="UTC",
        elapsed_time_s=moving,
        moving_time_s=moving,
        distance_m=distance_m,
        ascent_m=None,
        descent_m=None,
        avg_cadence_spm=None,
        avg_hr=None,
        max_hr=None,
        totals_source="session",
    )


def gap_matched_anchors(data: Dataset) -> tuple[list[tuple[int, int]], set[tuple[int, int]]]:
    """Healthy days with a real injury's gaps cut around them.

    For each real injury, the days it leaves unknown from 40 before to 21 after are its gap
    pattern. Anchors are days of the same athlete with every day of that span known and no
    injury within 90 days; each takes the pattern of one of the athlete's injuries in turn.
    Returns the anchors (as pseudo-injuries) and the (athlete, day) pairs to cut.
    """
    known = {(r[0], r[1]) for r in data.days}
    injured: dict[int, list[int]] = {}
    for i, d in data.injuries:
        injured.setdefault(i, []).append(d)
    rng = random.Random(SEED)
    anchors: list[tuple[int, int]] = []
    cut: set[tuple[int, int]] = set()
    for athlete_id, injury_days in sorted(injured.items()):
        patterns = [
            [o for o in range(-MATCH_BEFORE, MATCH_AFTER + 1) if (athlete_id, d + o) not in known]
            for d in injury_days
        ]
        days = sorted(d for i, d in known if i == athlete_id)
        eligible = [
            h
            for h in days
            if all((athlete_id, h + o) in known for o in range(-MATCH_BEFORE, MATCH_AFTER + 1))
            and all(abs(h - d) > MATCH_SPACING for d in injury_days)
        ]
        rng.shuffle(eligible)
        chosen: list[int] = []
        for h in eligible:
            if all(abs(h - c) >= MATCH_SPACING for c in chosen):
                chosen.append(h)
        for n, h in enumerate(sorted(chosen)):
            anchors.append((athlete_id, h))
            cut.update((athlete_id, h + o) for o in patterns[n % len(patterns)])
    return anchors, cut


def record_toml(bt: Backtest) -> str:
    """Each measured rule's `[rules.<factor>.record]` table."""
    blocks = []
    for r in bt.records:
        if r.factor == ANY or not r.open_days:
            continue
        blocks.append(
            f"[rules.{r.factor}.record]\n"
            f"preceded_21d_pct = {round(r.preceded_21d_share * 100)}\n"
            f"rr_7d = {r.rr_7d:.2f}\nrr_low = {r.rr_low:.2f}\nrr_high = {r.rr_high:.2f}\n"
            f"open_days_pct = {round(r.open_share * 100)}"
        )
    return "\n\n".join(blocks)


def duckdb_open(path: Path):
    return db.opened(path, read_only=True)


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.0f} %"


def num(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def print_table(title: str, bt: Backtest) -> None:
    print(f"\n{title}: {bt.athletes} athletes, {bt.injuries} injuries")
    print(
        f"{'rule':22} {'open':>6} {'ep/yr':>6} {'RR 7d [95 % CI]':>20} {'7d':>5} {'21d':>5}"
        f" {'prec':>6} {'recall':>6} {'AUC':>5}"
    )
    for r in bt.records:
        if r.factor != ANY and not r.open_days:
            continue
        ci = f"{num(r.rr_7d)} [{num(r.rr_low)}-{num(r.rr_high)}]"
        print(
            f"{r.factor:22} {pct(r.open_share):>6} {num(r.spells_per_year, 1):>6} {ci:>20}"
            f" {pct(r.preceded_7d_share):>5} {pct(r.preceded_21d_share):>5}"
            f" {pct(r.precision):>6} {pct(r.recall):>6} {num(r.auc):>5}"
        )


def print_matched(real: Backtest, matched: Backtest) -> None:
    print(
        f"\nGap-matched comparison: {matched.injuries} healthy days with a real injury's gaps cut"
        " around them; share with the rule open in the 7 (21) days before"
    )
    for r in real.records:
        m = matched.record(r.factor)
        if r.factor != ANY and not (r.open_days or m.open_days):
            continue
        ratio7 = r.preceded_7d_share / m.preceded_7d_share if m.preceded_7d else None
        ratio21 = r.preceded_21d_share / m.preceded_21d_share if m.preceded_21d else None
        print(
            f"{r.factor:22} real {pct(r.preceded_7d_share):>5} ({pct(r.preceded_21d_share)})"
            f"  matched {pct(m.preceded_7d_share):>5} ({pct(m.preceded_21d_share)})"
            f"  ratio {num(ratio7)}x ({num(ratio21)}x)"
        )


if __name__ == "__main__":
    sys.exit(main())
