"""Import activity files (FIT, GPX, TCX) and Strava exports: find them, skip what is known,
parse across cores, write through one writer.

Parsing is the slow part (fitparse is pure Python), so it runs in worker processes; DuckDB
allows one writer, so every result comes back to this process and is saved in batches of
files (`writer.Batch`), each file whole or not at all.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path

from gaitload import metrics, pain
from gaitload.config import Settings
from gaitload.errors import CorruptFileError
from gaitload.metrics import RefreshReport
from gaitload.sources.fit import content_hash
from gaitload.sources.inputs import (
    Input,
    export_inputs,
    find_inputs,
    read_and_parse,
    read_input,
    unreadable,
)
from gaitload.sources.model import ParsedFile
from gaitload.sources.strava import export as strava_export
from gaitload.sources.strava import linking as strava_linking
from gaitload.store import db, writer
from gaitload.store.writer import FileOutcome
from gaitload.workers import process_pool

MIN_FILES_FOR_POOL = 4
"""Starting worker processes costs about a second: not worth it for a handful of files."""
IN_FLIGHT_PER_WORKER = 16
"""Files handed to each worker ahead of the writer: parsed files wait in memory until they are
written, so a writer slower than the pool must hold the pool back, not the whole history."""


@dataclass
class ImportReport:
    run_id: str
    athlete: str
    outcomes: list[FileOutcome] = field(default_factory=list)
    metrics: RefreshReport | None = None

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def activities(self) -> int:
        return sum(len(o.activity_ids) for o in self.outcomes)

    @property
    def records(self) -> int:
        return sum(o.records for o in self.outcomes if o.activity_ids)


@dataclass
class _Job:
    input: Input
    sha256: str


def import_paths(
    settings: Settings,
    paths: Iterable[Path],
    *,
    athlete: str | None = None,
    workers: int | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import every activity file and Strava export in `paths` for one athlete."""
    name = athlete or settings.default_athlete
    report = ImportReport(run_id=uuid.uuid4().hex[:12], athlete=name)
    inputs, exports, decided = _inputs(paths)
    if on_total:
        on_total(len(inputs) + len(decided))

    def record(outcome: FileOutcome) -> None:
        report.outcomes.append(outcome)
        if on_file:
            on_file(outcome)

    with db.opened(settings.db_path, wait_s=settings.lock_wait_s) as con:
        athlete_id, timezone = writer.ensure_athlete(
            con, settings.athlete(name), settings.default_timezone
        )
        for export in exports:
            strava_linking.save_export_gear(con, athlete_id, export.gear)
        for outcome in decided:
            writer.log(con, report.run_id, athlete_id, outcome, source="export")
            record(outcome)
        jobs = []
        for item, job_or_outcome in _triage(con, inputs):
            if isinstance(job_or_outcome, FileOutcome):
                if item.row is not None and job_or_outcome.sha256:
                    strava_linking.link_export_row(con, athlete_id, job_or_outcome.sha256, item.row)
                writer.log(con, report.run_id, athlete_id, job_or_outcome, source=item.source)
                record(job_or_outcome)
            else:
                jobs.append(job_or_outcome)
        with writer.Batch(con, athlete_id, report.run_id) as batch:
            for parsed, item in _parse_all(jobs, timezone, workers):
                for activity in parsed.activities:  # two athletes may own a "Pegasus 40"
                    activity.gear_id = strava_export.qualify_gear_id(activity.gear_id, athlete_id)
                for outcome in batch.add(parsed, item.source):
                    record(outcome)
            for outcome in batch.commit():
                record(outcome)
        report.metrics = metrics.refresh(con, athlete_id=athlete_id)
        pain.read_notes(con, athlete_id)
    return report


def _inputs(
    paths: Iterable[Path],
) -> tuple[list[Input], list[strava_export.Export], list[FileOutcome]]:
    """Every input to parse, the exports they came from, and export members decided unread."""
    inputs, exports, decided = [], [], []
    for found in find_inputs(paths):
        if isinstance(found, Input):
            inputs.append(found)
            continue
        exports.append(found)
        inputs += export_inputs(found)
        for member in found.unknown:
            decided.append(
                FileOutcome(
                    str(found.root / member), "skipped", "not an activity file in the export"
                )
            )
        for member in found.unsafe:
            shown = member.replace("\0link", "")
            why = "a link" if member.endswith("\0link") else "its name would escape the folder"
            decided.append(FileOutcome(str(found.root / shown), "rejected", f"refused: {why}"))
        if found.csv_problem:
            decided.append(
                FileOutcome(str(found.root / "activities.csv"), "rejected", found.csv_problem)
            )
    return inputs, exports, decided


def _triage(con, inputs: list[Input]) -> Iterator[tuple[Input, _Job | FileOutcome]]:
    """Hash each input; known content and unreadable files are decided without parsing."""
    hashed: list[tuple[Input, str | FileOutcome]] = []
    for item in inputs:
        try:
            hashed.append((item, content_hash(read_input(item))))
        except (CorruptFileError, OSError, KeyError) as exc:
            reason = unreadable(exc)
            hashed.append((item, FileOutcome(str(item.display), "rejected", reason)))
    known = writer.known_files(con, [h for _, h in hashed if isinstance(h, str)])
    seen: dict[str, Path] = {}
    for item, sha256 in hashed:
        if isinstance(sha256, FileOutcome):
            yield item, sha256
        elif sha256 in known or sha256 in seen:
            status, name = known.get(sha256) or (None, None)
            reason = (
                f"already imported as {name} ({status})"
                if sha256 in known
                else f"same content as {seen[sha256].name} in this batch"
            )
            yield item, FileOutcome(str(item.display), "duplicate", reason, sha256=sha256)
        else:
            seen[sha256] = item.display
            yield item, _Job(item, sha256)


def _parse_all(
    jobs: list[_Job], timezone: str, workers: int | None
) -> Iterator[tuple[ParsedFile, Input]]:
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(jobs) < MIN_FILES_FOR_POOL:
        for job in jobs:
            yield read_and_parse(job.input, job.sha256, timezone), job.input
        return
    # Larger files first, so the pool does not end waiting on one big file.
    jobs = sorted(jobs, key=_size, reverse=True)
    queue = iter(jobs)
    with process_pool(workers) as pool:
        running: dict[Future, _Job] = {}

        def submit_next() -> None:
            job = next(queue, None)
            if job is not None:
                running[pool.submit(read_and_parse, job.input, job.sha256, timezone)] = job

        for _ in range(IN_FLIGHT_PER_WORKER * workers):
            submit_next()
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                job = running.pop(future)
                submit_next()
                yield future.result(), job.input


def _size(job: _Job) -> int:
    try:
        return job.input.path.stat().st_size if job.input.member is None else 0
    except OSError:
        return 0
