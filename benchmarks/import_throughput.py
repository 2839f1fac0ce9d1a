"""Import throughput: `gaitload import` vs plain fitparse reading the same files, same run.

    python benchmarks/import_throughput.py [--repeat 3] [FOLDER ...]

Without folders it uses the real device files in ../shared/data/fit (those plain fitparse
reads without error, so both sides do the same work) plus the demo athlete's files.
The baseline is what any script would do: fitparse decoding every message, one process.
gaitload also normalizes, checks totals, finds local time and writes to DuckDB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import fitparse

from gaitload.config import Settings
from gaitload.demo.athlete import write_demo_athlete
from gaitload.ingest import import_paths
from gaitload.sources import fit_decode

SHARED_FIT = Path(__file__).resolve().parents[2] / "shared" / "data" / "fit"


def readable_by_fitparse(path: Path) -> bool:
    try:
        for _ in fitparse.FitFile(str(path)).get_messages():
            pass
    except Exception:
        return False
    return True


def baseline(files: list[Path]) -> tuple[float, int]:
    start = time.perf_counter()
    records = 0
    for path in files:
        for message in fitparse.FitFile(str(path)).get_messages():
            records += message.name == "record"
    return time.perf_counter() - start, records


def garmin_sdk(files: list[Path]) -> tuple[float, int]:
    """For comparison only: Garmin's decoder, gaitload's fallback (it cannot expand the
    compressed timestamps of old watches, so it is not the first choice)."""
    from garmin_fit_sdk import Decoder, Stream

    start = time.perf_counter()
    records = 0
    for path in files:
        messages, _ = Decoder(Stream.from_file(str(path))).read()
        records += len(messages.get("record_mesgs", []))
    return time.perf_counter() - start, records


def gaitload_import(
    files: list[Path], workers: int, root: Path, fast: bool = True
) -> tuple[float, int]:
    """`fast=False`: the reference decoders only, as without fitfast's wheel (one process)."""
    db = root / f"bench-{workers}-{time.monotonic_ns()}.duckdb"
    settings = Settings(db_path=db, data_dir=root, default_timezone="UTC")
    saved = fit_decode.fitfast
    if not fast:
        fit_decode.fitfast, workers = None, 1
    try:
        start = time.perf_counter()
        report = import_paths(settings, files, athlete="bench", workers=workers)
        elapsed = time.perf_counter() - start
    finally:
        fit_decode.fitfast = saved
    return elapsed, report.records


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"fast decoder: {'fitfast' if fit_decode.fitfast else 'not installed'}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folders = args.folders or ([SHARED_FIT] if SHARED_FIT.is_dir() else [])
        files = [p for f in folders for p in sorted(f.glob("*.fit")) if readable_by_fitparse(p)]
        if not args.folders:
            files += write_demo_athlete(root / "demo", end=date(2026, 11, 20), weeks=16)
        size_mb = sum(p.stat().st_size for p in files) / 1e6
        print(f"{len(files)} files, {size_mb:.1f} MB, {os.cpu_count()} cores")
        runs = {"fitparse, 1 process (baseline)": lambda: baseline(files)}
        runs["garmin-fit-sdk, 1 process (reference)"] = lambda: garmin_sdk(files)
        runs["gaitload, reference decoders, 1 worker"] = lambda: gaitload_import(
            files, 1, root, fast=False
        )
        runs["gaitload import, 1 worker"] = lambda: gaitload_import(files, 1, root)
        runs[f"gaitload import, {os.cpu_count()} workers"] = lambda: gaitload_import(
            files, os.cpu_count() or 1, root
        )
        results = {}
        for name, run in runs.items():
            times = []
            for _ in range(args.repeat):
                seconds, records = run()
                times.append(seconds)
            results[name] = (statistics.median(times), records)
        base_s = results["fitparse, 1 process (baseline)"][0]
        header = ("s (median)", "records", "records/s", "MB/s", "vs base")
        print(
            f"{'':38} {header[0]:>10} {header[1]:>9} {header[2]:>10} {header[3]:>6} {header[4]:>8}"
        )
        for name, (seconds, records) in results.items():
            print(
                f"{name:38} {seconds:10.2f} {records:9d} {records / seconds:10.0f} "
                f"{size_mb / seconds:6.2f} {base_s / seconds:7.2f}x"
            )


if __name__ == "__main__":
    main()
