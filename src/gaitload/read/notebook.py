"""The analysis notebook's connection (`dashboards/analysis.py`).

The readers' snapshot, never the live file, so the notebook can stay open while the nightly
run writes; through the same locked reader as `gaitload sql`, so its cells read that
database and nothing else.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from gaitload.config import Settings
from gaitload.store.db import connect_reader
from gaitload.store.snapshot import snapshot_path


def snapshot_reader(settings: Settings) -> tuple[duckdb.DuckDBPyConnection, Path]:
    """A locked read-only connection to the snapshot, and the snapshot's path."""
    path = snapshot_path(settings.db_path)
    return connect_reader(path), path
