"""Ten years of watch files: import throughput, memory, fixed cost and metrics, same run.

    python benchmarks/ten_years.py --years 1      # ~260 files; --years 10 for ~2,600

(`pip install -e ".[bench]"` adds fitdecode, the one candidate decoder gaitload does not use.)

The history is the demo athlete's (`write_demo_athlete`, weeks = 52 * years), recorded
every second as a watch's usual setting does (`--interval 5` for the demo's lighter files),
written once into /tmp/gaitload-tenyears/<years>y-<interval>s/ and reused by later runs
(never committed). Measured in the same run:

- each candidate decoder (`fit_decoders.DECODERS`: plain fitparse, the baseline, then
  fitdecode, Garmin's SDK, fitfast) and gaitload's own decode step, one process, every
  record materialised, on a fixed sample of the files (every k-th one), as records/s;
- `gaitload import` of the whole history with 1 and 2 workers, each in its own process into
  a fresh database: wall time (interpreter start included), records/s, ratio to fitparse,
  peak RSS of the importing process and of its largest worker;
- the fixed cost: the same process importing a single file (interpreter, imports, opening
  and migrating the database), and a bare interpreter for scale;
- a full metrics rebuild of the imported history, and importing one new run afterwards
  (with the incremental refresh it ends with).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

CACHE = Path("/tmp/gaitload-tenyears")
END = date(2026, 11, 20)


def history(years: int, interval_s: int) -> tuple[list[Path], float | None]:
    """The cached files, oldest first, and the seconds it took to write them (None: cached)."""
    folder = CACHE / f"{years}y-{interval_s}s"
    listing = folder / "files.txt"
    if listing.exists():
        return [folder / name for name in listing.read_text().split()], None
    from gaitload.demo.athlete import write_demo_athlete

    shutil.rmtree(folder, ignore_errors=True)
    start = time.perf_counter()
    paths = write_demo_athlete(folder, end=END, weeks=52 * years, interval_s=interval_s)
    seconds = time.perf_counter() - start
    listing.write_text("\n".join(p.name for p in paths))  # written last: a complete cache
    return paths, seconds


def decoders_on_sample(files: list[Path], size: int) -> dict[str, tuple[float, int, int]]:
    """Seconds, records and files refused for each decoder on every k-th file."""
    from fit_decoders import DECODERS, run

    from gaitload.sources.fit_decode import decode

    step = max(1, len(files) // size)
    sample = {p.name: p.read_bytes() for p in files[::step][:size]}
    candidates = {**DECODERS, "gaitload decode step": lambda data: _records(decode(data))}
    results = {}
    for name, decoder in candidates.items():
        seconds, records, refused = run(decoder, sample)
        if records:  # a decoder not installed (fitdecode: the `bench` extra) refuses every file
            results[name] = (seconds, records, len(refused))
        else:
            print(f"{name}: read no file (not installed?), left out")
    return results


def _records(decoded) -> int:
    if decoded.record_columns is not None:
        return len(decoded.record_columns["timestamp"])
    return len(decoded.messages["record"])


def child_import(db: Path, workers: int, listing: Path) -> None:
    """Runs in its own process: import the listed files, print what the parent measures."""
    start = time.perf_counter()
    from gaitload.config import Settings
    from gaitload.ingest import import_paths

    imported = time.perf_counter()
    files = [Path(p) for p in listing.read_text().split("\n") if p]
    settings = Settings(db_path=db, data_dir=db.parent, default_timezone="UTC")
    report = import_paths(settings, files, athlete="bench", workers=workers)
    end = time.perf_counter()
    rejected = [o for o in report.outcomes if o.status not in ("imported", "partial")]
    print(
        json.dumps(
            {
                "records": report.records,
                "files": len(report.outcomes),
                "not_imported": len(rejected),
                "imports_s": imported - start,
                "import_s": end - imported,
                "rss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "rss_workers_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            }
        )
    )


def run_import(files: list[Path], workers: int, root: Path, name: str) -> dict:
    listing = root / f"{name}.txt"
    listing.write_text("\n".join(str(p) for p in files))
    db = root / f"{name}.duckdb"
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(db), str(workers), str(listing)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["wall_s"] = time.perf_counter() - start
    result["db"] = db
    return result


def bare_interpreter() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - start


def metrics_after(db: Path, new_run: Path) -> tuple[float, float, float]:
    """(full rebuild s, import of one new run s, of which its incremental refresh s)."""
    from gaitload import metrics
    from gaitload.config import Settings
    from gaitload.ingest import import_paths
    from gaitload.store import db as store_db

    con = store_db.connect(db)
    try:
        start = time.perf_counter()
        metrics.refresh(con, full=True)
        full = time.perf_counter() - start
    finally:
        con.close()
    settings = Settings(db_path=db, data_dir=db.parent, default_timezone="UTC")
    start = time.perf_counter()
    report = import_paths(settings, [new_run], athlete="bench", workers=1)
    one = time.perf_counter() - start
    return full, one, report.metrics.seconds if report.metrics else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--interval", type=int, default=1, help="seconds between records")
    parser.add_argument("--sample", type=int, default=40, help="files fitparse reads")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_import(Path(args.child[0]), int(args.child[1]), Path(args.child[2]))
        return

    files, generated = history(args.years, args.interval)
    size_mb = sum(p.stat().st_size for p in files) / 1e6
    made = f"written in {generated:.1f} s" if generated is not None else "cached"
    print(
        f"{args.years} years at {args.interval} s: {len(files)} files, {size_mb:.1f} MB "
        f"({made}), {os.cpu_count()} cores"
    )
    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    *older, newest = files
    decoders = decoders_on_sample(older, args.sample)
    fp_s, fp_records, _ = decoders["fitparse (baseline)"]
    fp_rate = fp_records / fp_s
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bare = bare_interpreter()
        fixed = run_import(older[:1], 1, root, "one-file")
        runs = {w: run_import(older, w, root, f"workers-{w}") for w in (1, 2)}
        full, one_new, refresh_s = metrics_after(runs[2]["db"], newest)

    print(f"\ndecoders on {args.sample} of the files, one process (refused files not timed):")
    print(
        f"{'':34} {'wall s':>8} {'records':>9} {'records/s':>10} {'vs fitparse':>11} "
        f"{'RSS MB':>7} {'worker MB':>9}"
    )
    for name, (seconds, records, refused) in decoders.items():
        rate = records / seconds
        note = f"  ({refused} refused)" if refused else ""
        print(f"{name:34} {seconds:8.2f} {records:9d} {rate:10.0f} {rate / fp_rate:10.2f}x{note}")
    for workers, r in runs.items():
        rate = r["records"] / r["wall_s"]
        print(
            f"{f'gaitload import, {workers} worker(s)':34} {r['wall_s']:8.2f} {r['records']:9d} "
            f"{rate:10.0f} {rate / fp_rate:10.2f}x {r['rss_self_mb']:7.0f} "
            f"{r['rss_workers_mb']:9.0f}"
        )
        if r["not_imported"]:
            print(f"  ({r['not_imported']} of {r['files']} files not imported)")
    print(
        f"\nfixed cost: bare interpreter {bare:.2f} s; one-file import {fixed['wall_s']:.2f} s "
        f"(of which imports {fixed['imports_s']:.2f} s, import_paths {fixed['import_s']:.2f} s)"
    )
    r2 = runs[2]
    print(
        f"import, 2 workers, minus the fixed cost: "
        f"{r2['records'] / max(r2['wall_s'] - fixed['wall_s'], 1e-9):.0f} records/s"
    )
    print(
        f"metrics: full rebuild {full:.2f} s; one new run imported in {one_new:.2f} s "
        f"(incremental refresh {refresh_s:.2f} s)"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
