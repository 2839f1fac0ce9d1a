"""The readers' snapshot: a copy of the closed database beside it, swapped in atomically.

A write session ends by publishing it (`store.db.opened`), so that readers can fall back to
it while a writer holds the live file (`store.reading`).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def snapshot_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".snapshot")


def publish_snapshot(db_path: Path) -> None:
    """Copy the closed database beside itself; readers switch to it in one rename."""
    if not db_path.exists():
        return
    partial = db_path.with_name(f".{db_path.name}.snapshot.{os.getpid()}")
    try:
        shutil.copyfile(db_path, partial)
        os.replace(partial, snapshot_path(db_path))
    finally:  # a full disk mid-copy leaves no half snapshot behind (the old one stays)
        partial.unlink(missing_ok=True)
