"""The nightly flow on ten years of history when one new run arrives.

    python benchmarks/nightly_flow.py [--runs 3000]

Measured in the same run: `gaitload nightly` as cron would start it (a new process, Prefect
in ephemeral mode), against the same work done by the library alone (`import_paths` of the
one new file, which also refreshes that athlete's metrics) in a process of its own. The
difference is Prefect's share: its import, its temporary server, its bookkeeping.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from metrics_refresh import build

from gaitload import metrics
from gaitload.demo.fitwriter import SessionSpec, write_fit
from gaitload.store import db


def ten_km() -> pl.DataFrame:
    n = 3334  # 3 m/s for 10 km, one record a second
    return pl.DataFrame(
        {
            "t_s": list(range(n)),
            "distance_m": [i * 3.0 for i in range(n)],
            "speed_m_s": [3.0] * n,
            "altitude_m": [1600.0] * n,
            "heart_rate": [150] * n,
            "cadence_spm": [170.0] * n,
        }
    )


def timed_process(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        history = root / "history.duckdb"
        with db.opened(history) as con:
            build(con, args.runs)
            metrics.refresh(con, full=True)
        inbox = root / "inbox"
        inbox.mkdir()
        write_fit(
            inbox / "new.fit",
            datetime(2026, 11, 24, 14, tzinfo=UTC),
            [SessionSpec("running", ten_km(), "street")],
        )
        results = {}
        for label in ("library only", "gaitload nightly (Prefect)"):
            db_path = root / f"{label[:7]}.duckdb"
            shutil.copy(history, db_path)
            config = root / f"{label[:7]}.toml"
            config.write_text(
                f'db = "{db_path}"\n[athletes.bench]\n'
                f'timezone = "America/Denver"\ninbox = "{inbox}"\n'
            )
            if label == "library only":
                code = (
                    "import sys; from pathlib import Path; "
                    "from gaitload.config import load_settings; "
                    "from gaitload.ingest import import_paths; "
                    "import_paths(load_settings(config=sys.argv[1]), [Path(sys.argv[2])], "
                    "athlete='bench', workers=1)"
                )
                results[label] = timed_process(
                    [sys.executable, "-c", code, str(config), str(inbox)]
                )
            else:
                results[label] = timed_process(
                    [sys.executable, "-m", "gaitload", "--config", str(config), "nightly"]
                )
        bare = timed_process([sys.executable, "-c", "import gaitload.ingest"])
    work, total = results["library only"], results["gaitload nightly (Prefect)"]
    print(f"{args.runs} runs of history, one new 10 km run (3,334 samples)")
    print(f"{'python + importing gaitload':32} {bare:6.2f} s")
    print(f"{'library only (import + refresh)':32} {work:6.2f} s   1.00x")
    print(f"{'gaitload nightly (Prefect)':32} {total:6.2f} s   {total / work:.2f}x")
    print(
        f"{'  Prefect own share':32} {total - work:6.2f} s   "
        f"({(total - work) / total:.0%} of the night)"
    )


if __name__ == "__main__":
    main()
