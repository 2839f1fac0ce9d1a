"""The look-back over ten years, against evaluating the rules alone.

    python benchmarks/lookback.py [--runs 3000] [--repeat 3]

The metrics benchmark's synthetic athlete (one run every ~29 h for ten years, ~3,000 runs)
is written into the store with its metrics, plus twenty pain episodes half a year apart.
Measured in the same run, on a read-only connection as `look_back` uses, best of
`--repeat`:

- baseline: `evaluate()` of every rule as of the day before D (what the look-back starts
  with, and what every `gaitload alerts --as-of` costs);
- each part the look-back adds: the episodes into a temporary table, the measures, the
  weekly series, and the history (pain episodes against the factors, the base rate over
  every Monday's window);
- the whole `look_back()` call, opening the database included.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from metrics_refresh import build  # run as a script: its folder is on the path

from gaitload import metrics
from gaitload.config import AthleteSettings, Settings
from gaitload.lookback import LOAD_FACTORS, look_back
from gaitload.lookback import compute as lb
from gaitload.rules import evaluate
from gaitload.store import db

D = date(2025, 12, 1)
WEEKS = 6


def add_pain(con) -> None:
    con.execute(
        """
        INSERT INTO core.pain_entries (athlete_id, day, location, side, score, source)
        SELECT 1, DATE '2016-06-01' + (i * 180)::INTEGER, 'heel', 'left', 4, 'journal'
        FROM range(20) t(i)
        """
    )


def best(repeat: int, call: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        settings = Settings(
            db_path=path,
            data_dir=Path(tmp),
            default_athlete="bench",
            athletes={"bench": AthleteSettings("bench", "America/Denver")},
        )
        with db.opened(path) as con:
            build(con, args.runs)
            metrics.refresh(con, full=True)
            add_pain(con)
        eve = D - timedelta(days=1)
        with db.opened(path, read_only=True) as con:
            baseline = best(
                args.repeat, lambda: evaluate(con, settings, as_of=eve, athlete="bench")
            )
            episodes = [
                e
                for e in evaluate(con, settings, as_of=eve, athlete="bench").episodes
                if e.factor in LOAD_FACTORS
            ]
            first_day = lb._check_day(con, "bench", D)
            window, usual, _ = lb._periods("bench", D, WEEKS, first_day)
            parts = {
                "episodes into a temp table": lambda: lb._store_episodes(con, episodes),
                "measures (window and usual)": lambda: lb._measures(con, "bench", window, usual),
                "weekly series": lambda: lb._series(con, "bench", window, usual, WEEKS),
                "history (pain + base rate)": lambda: lb._history(
                    con, "bench", D, WEEKS, first_day
                ),
            }
            timed = {name: best(args.repeat, call) for name, call in parts.items()}
            history = lb._history(con, "bench", D, WEEKS, first_day)
        whole = best(args.repeat, lambda: look_back(settings, day=D, weeks=WEEKS))
    print(
        f"{args.runs} runs, {len(episodes)} load-factor episodes, "
        f"{len(history.pain_episodes)} pain episodes, {history.base_windows} base-rate windows"
    )
    print(f"baseline: evaluate() as of {eve}:     {baseline:6.3f} s")
    for name, seconds in timed.items():
        print(f"  + {name:<28} {seconds:6.3f} s  ({seconds / baseline:5.2f} x baseline)")
    print(
        f"look_back() whole, opening included: {whole:6.3f} s  ({whole / baseline:5.2f} x baseline)"
    )


if __name__ == "__main__":
    main()
