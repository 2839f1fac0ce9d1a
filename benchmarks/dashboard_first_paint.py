"""Reading at scale: the dashboard's first paint and a `gaitload sql` rolling query.

    python benchmarks/dashboard_first_paint.py [--runs 3000]

Baseline, measured in the same run: the same two on the 16-week demo athlete. The large
case is ten years (3,000 runs, ~10 M samples) written by benchmarks/metrics_refresh.py.
Needs Debian's chromium.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

from metrics_refresh import build
from playwright.sync_api import sync_playwright

from gaitload import metrics
from gaitload.config import Settings
from gaitload.demo.athlete import write_demo_athlete
from gaitload.ingest import import_paths
from gaitload.store import db

QUERY = (
    "SELECT day, distance_7d_m, ramp_7d_pct, acwr, monotony_7d FROM load_signals "
    "WHERE athlete = (SELECT min(athlete) FROM athletes) ORDER BY day DESC LIMIT 28"
)


def port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_paint(db_path: Path, browser) -> tuple[float, float]:
    """Seconds from navigation to the first chart, and to all six charts."""
    p = port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gaitload", "--db", str(db_path), "dashboard", "--port", str(p)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{p}/"
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            break
        except OSError:
            time.sleep(0.2)
    try:
        page = browser.new_page(viewport={"width": 1200, "height": 2400})
        start = time.perf_counter()
        page.goto(url, wait_until="domcontentloaded")
        page.locator("svg.marks").first.wait_for(timeout=300_000)
        first = time.perf_counter() - start
        while page.locator("svg.marks").count() < 6:
            time.sleep(0.05)
        return first, time.perf_counter() - start
    finally:
        server.terminate()
        server.wait()


def sql_seconds(db_path: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "gaitload", "--db", str(db_path), "sql", QUERY, "--format", "csv"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        small = Settings(db_path=root / "demo.duckdb", data_dir=root, default_timezone="UTC")
        import_paths(
            small,
            write_demo_athlete(root / "fit", end=date(2026, 11, 20), weeks=16),
            athlete="demo",
        )
        large = root / "ten-years.duckdb"
        with db.opened(large) as con:
            build(con, args.runs)
            metrics.refresh(con, full=True)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            results = {}
            for name, path in (
                ("demo, 16 weeks", small.db_path),
                (f"{args.runs} runs, ten years", large),
            ):
                first, full = first_paint(path, browser)
                results[name] = (first, full, min(sql_seconds(path) for _ in range(3)))
            browser.close()
    base = results["demo, 16 weeks"]
    print(f"{'':26} {'first chart':>12} {'all charts':>11} {'gaitload sql':>13}")
    for name, (first, full, sql) in results.items():
        print(
            f"{name:26} {first:11.2f}s {full:10.2f}s {sql:12.2f}s   "
            f"({first / base[0]:.1f}x, {full / base[1]:.1f}x, {sql / base[2]:.1f}x)"
        )


if __name__ == "__main__":
    main()
