"""First-time import of a whole history, in chunks a crash cannot undo.

Each chunk is one task: the Prefect UI shows the progress, and a re-run after a crash (or
a Ctrl-C) skips every file already imported, by content, and finishes the rest. A chunk is
retried only for a transient failure (a database another process holds); a database that
is not one, or a full disk, fails at once.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.states import Completed, State

from gaitload.config import Settings, load_settings
from gaitload.ingest import import_paths
from gaitload.pipelines.retries import retry_transient
from gaitload.sources.inputs import Input, find_inputs

CHUNK = 200


@task(
    name="import-chunk",
    task_run_name="import-files-{first}-to-{last}",
    retries=2,
    retry_delay_seconds=10,
    retry_condition_fn=retry_transient,
)
def import_chunk(
    settings: Settings, files: list[Path], athlete: str | None, first: int, last: int
) -> dict[str, int]:
    report = import_paths(settings, files, athlete=athlete)
    return {s: report.count(s) for s in ("imported", "partial", "duplicate", "skipped", "rejected")}


@flow(name="gaitload-backfill")
def backfill(
    paths: list[str],
    athlete: str | None = None,
    db: str | None = None,
    config: str | None = None,
    chunk: int = CHUNK,
    retry_delay_s: float = 10.0,
) -> State:
    """Import folders, files (FIT, GPX, TCX, maybe gzipped) and Strava exports, in chunks."""
    settings = load_settings(db=db, config=config)
    found = list(find_inputs(Path(p).expanduser() for p in paths))
    # loose files go in chunks; a Strava export is one unit (its files link to its csv)
    files = [i.path for i in found if isinstance(i, Input)]
    files += [e.root for e in found if not isinstance(e, Input)]
    totals: dict[str, int] = {}
    for start in range(0, len(files), chunk):
        part = files[start : start + chunk]
        attempt = import_chunk.with_options(retry_delay_seconds=retry_delay_s)
        counts = attempt(settings, part, athlete, start + 1, start + len(part))
        for status, n in counts.items():
            totals[status] = totals.get(status, 0) + n
        get_run_logger().info("%d of %d files done", start + len(part), len(files))
    summary = ", ".join(f"{n} {status}" for status, n in totals.items() if n)
    create_markdown_artifact(
        key="gaitload-backfill",
        markdown=f"**Backfill of {len(files)} files:** {summary or 'nothing'}",
    )
    return Completed(message=f"{len(files)} files: {summary or 'nothing to do'}", data=totals)
