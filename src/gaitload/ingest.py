"""Import FIT files: find them, skip what is known, parse across cores, write through one writer.

Parsing is the slow part (fitparse is pure Python), so it runs in worker processes; DuckDB
allows one writer, so every result comes back to this process and is saved file by file.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from gaitload import metrics
from gaitload.config import Settings
from gaitload.errors import CorruptFileError
from gaitload.metrics import RefreshReport
from gaitload.sources.fit import content_hash, is_fit_path, parse_fit, read_fit_bytes
from gaitload.sources.model import ParsedFile
from gaitload.store import db, writer
from gaitload.store.writer import FileOutcome

MIN_FILES_FOR_POOL = 4
"""Starting worker processes costs about a second: not worth it for a handful of files."""


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
    path: Path
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
    """Import every FIT file in `paths` (files, .fit.gz, folders) for one athlete."""
    name = athlete or settings.default_athlete
    report = ImportReport(run_id=uuid.uuid4().hex[:12], athlete=name)
    files = list(find_fit_files(paths))
    if on_total:
        on_total(len(files))

    def record(outcome: FileOutcome) -> None:
        report.outcomes.append(outcome)
        if on_file:
            on_file(outcome)

    with db.opened(settings.db_path, wait_s=settings.lock_wait_s) as con:
        athlete_id, timezone = writer.ensure_athlete(
            con, settings.athlete(name), settings.default_timezone
        )
        jobs = []
        for job_or_outcome in _triage(con, files):
            if isinstance(job_or_outcome, FileOutcome):
                writer.log(con, report.run_id, athlete_id, job_or_outcome)
                record(job_or_outcome)
            else:
                jobs.append(job_or_outcome)
        for parsed in _parse_all(jobs, timezone, workers):
            record(writer.save(con, parsed, athlete_id, report.run_id))
        report.metrics = metrics.refresh(con, athlete_id=athlete_id)
    return report


def find_fit_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given (whatever their name: the parser judges them), folders recursively."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and is_fit_path(p))
        else:
            yield path


def _triage(con, files: list[Path]) -> Iterator[_Job | FileOutcome]:
    """Hash each file; known content and unreadable files are decided without parsing."""
    seen: dict[str, Path] = {}
    for path in files:
        try:
            data = read_fit_bytes(path)
        except (CorruptFileError, OSError) as exc:
            yield FileOutcome(path=str(path), status="rejected", reason=_reason(exc))
            continue
        sha256 = content_hash(data)
        known = writer.known_file(con, sha256)
        if known:
            status, first_name = known
            yield FileOutcome(
                path=str(path),
                status="duplicate",
                sha256=sha256,
                reason=f"already imported as {first_name} ({status})",
            )
        elif sha256 in seen:
            yield FileOutcome(
                path=str(path),
                status="duplicate",
                sha256=sha256,
                reason=f"same content as {seen[sha256].name} in this batch",
            )
        else:
            seen[sha256] = path
            yield _Job(path, sha256)


def _parse_all(jobs: list[_Job], timezone: str, workers: int | None) -> Iterator[ParsedFile]:
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(jobs) < MIN_FILES_FOR_POOL:
        for job in jobs:
            yield _parse_job(job, timezone)
        return
    # Larger files first, so the pool does not end waiting on one big file.
    jobs = sorted(jobs, key=lambda j: j.path.stat().st_size, reverse=True)
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(_parse_job, job, timezone) for job in jobs]
        for future in as_completed(futures):
            yield future.result()


def _parse_job(job: _Job, timezone: str) -> ParsedFile:
    try:
        data = read_fit_bytes(job.path)
    except (CorruptFileError, OSError) as exc:
        return ParsedFile(path=job.path, sha256=job.sha256, status="rejected", reason=_reason(exc))
    try:
        return parse_fit(job.path, data, job.sha256, timezone)
    except Exception as exc:  # a decoder bug on one odd file must not stop the batch
        return ParsedFile(
            path=job.path,
            sha256=job.sha256,
            status="rejected",
            reason=f"could not be parsed: {type(exc).__name__}: {exc}",
        )


def _reason(exc: Exception) -> str:
    if isinstance(exc, CorruptFileError):
        return str(exc)
    return f"cannot read: {exc.strerror or exc}" if isinstance(exc, OSError) else str(exc)
