"""The pain journal over ten years: re-reading every note, and the pain rules' share.

    python benchmarks/pain_journal.py [--runs 3000]

The metrics benchmark's synthetic athlete (~3,000 runs over ten years), every run with a
description of a few lines of prose and one run in ten with a `pain:` line (one in fifty
unreadable). Measured, each against a baseline from the same run:

- re-reading the notes (what every import and sync does: select the notes, parse, replace
  the entries) against parsing the same strings already in memory (the parser alone);
- evaluating every rule with ~300 pain entries against evaluating the load rules alone
  (the pain rules' cost on top of what `gaitload alerts` already did).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from unittest.mock import patch

from metrics_refresh import build  # run as a script: its folder is on the path

from gaitload import metrics
from gaitload.config import AthleteSettings, Settings
from gaitload.pain import read_notes
from gaitload.pain.notes import read_note
from gaitload.rules import evaluate
from gaitload.rules.catalogue import catalogue
from gaitload.store import db

PROSE = "Easy loop along the creek.\nFelt fine, windy on the way back.\n"


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
            con.execute(
                "UPDATE core.activities SET description = ? || CASE "
                "WHEN activity_id % 50 = 0 THEN 'pain: heel and arch 4/10' "
                "WHEN activity_id % 10 = 0 THEN 'pain: left heel ' || (activity_id % 7) || '/10' "
                "ELSE '' END",
                [PROSE],
            )
            notes = [
                r[0] for r in con.execute("SELECT description FROM core.activities").fetchall()
            ]

            parse_only = best(lambda: [read_note(n) for n in notes])
            reread = best(lambda: read_notes(con, 1))
            entries, unread = (
                con.execute(f"SELECT count(*) FROM core.{t}").fetchall()[0][0]
                for t in ("pain_entries", "pain_note_problems")
            )

            as_of = date(2026, 1, 1)
            every_rule = best(lambda: evaluate(con, settings, as_of=as_of))
            load_only = best(lambda: evaluate_load_rules(con, settings, as_of))

    print(f"{args.runs} notes: {entries} pain entries, {unread} lines unread")
    print(f"parse the notes in memory (baseline):      {parse_only * 1000:7.1f} ms")
    print(
        f"re-read them into the store (every import): {reread * 1000:7.1f} ms"
        f" = {reread / parse_only:4.1f}x the parser alone"
    )
    print(f"evaluate the load rules alone (baseline):  {load_only:7.2f} s")
    print(
        f"evaluate every rule, pain rules included:  {every_rule:7.2f} s"
        f" = {every_rule / load_only:4.2f}x"
    )


def evaluate_load_rules(con, settings: Settings, as_of: date):
    """`evaluate` with the catalogue cut to the load rules: the baseline for the pain rules."""
    full = catalogue()
    load = replace(full, rules={f: r for f, r in full.rules.items() if r.group == "load"})
    with patch("gaitload.rules.evaluate.catalogue", lambda: load):
        return evaluate(con, settings, as_of=as_of)


def best(work, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


if __name__ == "__main__":
    main()
