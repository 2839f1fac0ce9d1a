"""How often, and how long, a nightly run copies the database for its readers.

    python benchmarks/snapshot_publishing.py [--runs 3000]

Ten years of history (one athlete), and two athletes each with one new 10 km run in their
inbox; the real nightly flow (Prefect, ephemeral) runs twice: the night the runs arrive,
then a night with nothing new. Measured in the same run, on copies of the same database:

- before: every write session publishes and copies (as gaitload did until the run-scoped
  publish; reproduced by taking the flow's `publishing` away and the unchanged check);
- after: one copy at the end of a run, none when the snapshot already holds the database.

Copies are counted and timed at `shutil.copyfile`, the one call that copies the database.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="gaitload-bench-prefect-")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "ERROR")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
sys.path.insert(0, str(Path(__file__).parent))

from metrics_refresh import build
from nightly_flow import ten_km

from gaitload import metrics
from gaitload.demo.fitwriter import SessionSpec, write_fit
from gaitload.pipelines import nightly as flow
from gaitload.store import db, snapshot

AS_OF = date(2026, 11, 25)
ATHLETES = ("bench", "cleo")


class CopySpy:
    def __init__(self) -> None:
        self.count, self.seconds, self.bytes = 0, 0.0, 0
        self._copy = shutil.copyfile

    def __call__(self, src, dst, **kwargs):
        start = time.perf_counter()
        try:
            return self._copy(src, dst, **kwargs)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - start
            self.bytes += os.path.getsize(dst)


def run() -> SessionSpec:
    return SessionSpec("running", ten_km(), "street")


def night(config: Path, spy: CopySpy) -> tuple[int, float, float, float]:
    """Copies, seconds spent in them, MB they wrote, and the night's wall time."""
    spy.count, spy.seconds, spy.bytes = 0, 0.0, 0
    start = time.perf_counter()
    state = flow.nightly(config=str(config), retry_backoff_s=0.1, as_of=AS_OF, return_state=True)
    wall = time.perf_counter() - start
    assert state.is_completed(), state.message
    return spy.count, spy.seconds, spy.bytes / 1e6, wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3000)
    args = parser.parse_args()
    from gaitload.pipelines.local_server import local_prefect

    spy = CopySpy()
    shutil.copyfile = spy
    results = {}
    with tempfile.TemporaryDirectory() as tmp, local_prefect():
        root = Path(tmp)
        history = root / "history.duckdb"
        with db.opened(history, publish=False) as con:
            build(con, args.runs)
            metrics.refresh(con, full=True)
        size_mb = history.stat().st_size / 1e6
        # not measured: Prefect's first flow starts its server, the first import loads the
        # decoder and the metrics code
        warm = root / "warm"
        warm.mkdir()
        write_fit(warm / "new.fit", datetime(2026, 11, 24, 7, tzinfo=UTC), [run()])
        (root / "warm.toml").write_text(
            f'db = "{root / "warm.duckdb"}"\n[athletes.warm]\ninbox = "{warm}"\n'
        )
        night(root / "warm.toml", spy)
        for mode in ("before", "after"):
            folder = root / mode
            folder.mkdir()
            db_path = folder / "gaitload.duckdb"
            spy._copy(history, db_path)
            body = [f'db = "{db_path}"']
            for i, name in enumerate(ATHLETES):
                inbox = folder / name
                inbox.mkdir()
                start = datetime(2026, 11, 24, 7 + i, tzinfo=UTC)
                write_fit(inbox / "new.fit", start, [run()])
                body += [f"[athletes.{name}]", 'timezone = "America/Denver"', f'inbox = "{inbox}"']
            config = folder / "gaitload.toml"
            config.write_text("\n".join(body) + "\n")
            scope, published = flow.publishing, snapshot.published
            if mode == "before":
                flow.publishing = lambda path: contextlib.nullcontext()
                snapshot.published = lambda path: False
            try:
                arrive = night(config, spy)
                for name in ATHLETES:
                    (folder / name / "new.fit").unlink()
                quiet = night(config, spy)
            finally:
                flow.publishing, snapshot.published = scope, published
            results[mode] = (arrive, quiet)
    print(f"{args.runs} runs of history ({size_mb:.0f} MB), {len(ATHLETES)} athletes")
    print(f"{'':32} {'copies':>6} {'copying':>9} {'written':>9} {'night':>8}")
    for label, index in (("night with 2 new runs", 0), ("night with nothing new", 1)):
        for mode in ("before", "after"):
            count, seconds, mb, wall = results[mode][index]
            print(f"{label + ', ' + mode:32} {count:6d} {seconds:8.2f}s {mb:6.0f} MB {wall:7.2f}s")
        before, after = results["before"][index], results["after"][index]
        saved = [b - a for b, a in zip(before, after, strict=True)]
        print(f"{'  saved':32} {saved[0]:6d} {saved[1]:8.2f}s {saved[2]:6.0f} MB {saved[3]:7.2f}s")
    print("(copying: time inside shutil.copyfile; the kernel writes the copied pages back later)")


if __name__ == "__main__":
    main()
