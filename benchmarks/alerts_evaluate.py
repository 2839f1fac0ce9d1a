"""Risk rules over ten years: evaluating every rule and recording the episodes.

    python benchmarks/alerts_evaluate.py [--runs 3000]

The metrics benchmark's synthetic athlete (one run every ~29 h for ten years, ~3,000 runs)
is written into the store and its metrics computed; then measured: one evaluation of all
eleven rules over the whole history (what every `gaitload alerts` does), the first
recording (a backfill: every episode inserted, old ones recorded as past), and a repeat
recording (the nightly case: every episode matched, nothing new).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from metrics_refresh import build  # run as a script: its folder is on the path

from gaitload import metrics
from gaitload.config import AthleteSettings, Settings
from gaitload.rules import evaluate, record
from gaitload.store import db


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        settings = Settings(
            db_path=path,
            data_dir=Path(tmp),
            athletes={"bench": AthleteSettings("bench", "America/Denver")},
        )
        with db.opened(path) as con:
            build(con, args.runs)
            metrics.refresh(con, full=True)
            as_of = date(2026, 1, 1)
            started = time.perf_counter()
            evaluation = evaluate(con, settings, as_of=as_of)
            evaluated = time.perf_counter() - started
            started = time.perf_counter()
            first = record(con, settings, evaluation)
            backfill = time.perf_counter() - started
            started = time.perf_counter()
            record(con, settings, evaluate(con, settings, as_of=as_of))
            nightly = time.perf_counter() - started
    print(f"{args.runs} runs, {first.episodes} episodes ({first.past} recorded as past)")
    print(f"evaluate all rules over the whole history: {evaluated:6.2f} s")
    print(f"first recording (backfill):                {backfill:6.2f} s")
    print(f"evaluate + record again (nightly):         {nightly:6.2f} s")


if __name__ == "__main__":
    main()
