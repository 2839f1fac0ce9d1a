"""`gaitload sql`: any read-only question, answered without getting in the writer's way."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from gaitload.config import Settings
from gaitload.errors import GaitloadError
from gaitload.read import query
from gaitload.store.reading import reading


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple]
    source: str
    note: str | None = None


class WriteRefused(GaitloadError):
    """A statement that would change the database, sent to the read-only SQL command."""


def run_query(settings: Settings, text: str) -> QueryResult:
    """Run one or more statements read-only; the last one's rows are the answer."""
    with reading(settings.db_path) as r:
        try:
            columns, rows = query.table(r.con, text)
        except duckdb.Error as exc:
            message = str(exc).splitlines()[0]
            if _refused(exc, message):
                raise WriteRefused(
                    f"gaitload sql only reads: nothing was changed ({message})"
                ) from exc
            raise GaitloadError(f"query failed: {message}") from exc
        return QueryResult(columns, rows, r.source, r.note)


def _refused(exc: duckdb.Error, message: str) -> bool:
    """What the locked reader said no to: a write, another file, an extension, a SET."""
    if isinstance(exc, duckdb.PermissionException):
        return True
    return any(word in message for word in REFUSALS)


REFUSALS = (
    "read-only",
    "read only",
    "has been locked",
    "belongs to an attached database",
    "is already attached",
)
"""What DuckDB says when the locked reader refuses (besides its Permission Errors)."""


def export_parquet(settings: Settings, out_dir: Path) -> list[tuple[str, int]]:
    """Write the documented views as Parquet, partitioned by athlete and year.

    DuckDB writes the files itself (streaming, partitioned) through a reader that may write
    into `out_dir` and nowhere else; it runs only the statements below, never a user's SQL.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GaitloadError(f"cannot create {out_dir}: {exc.strerror}") from exc
    out_dir = out_dir.resolve()
    written = []
    with reading(settings.db_path, export_to=out_dir) as r:
        for view, date_column in EXPORTED_VIEWS.items():
            select = f"SELECT * FROM {view}"
            if date_column:
                select = f"SELECT *, year({date_column}) AS year FROM {view}"
                partition = "PARTITION_BY (athlete, year), "
            else:
                partition = "PARTITION_BY (athlete), "
            target = str(out_dir / view).replace("'", "''")
            r.con.execute(
                f"COPY ({select}) TO '{target}' "
                f"(FORMAT parquet, {partition}OVERWRITE_OR_IGNORE true)"
            ).fetchall()
            counted = query.one(r.con, f"SELECT count(*) AS n FROM {view}")
            written.append((view, counted["n"]))
    return written


EXPORTED_VIEWS = {
    "athletes": None,
    "activities": "start_time_local",
    "laps": "start_time_local",
    "samples": "ts_local",
    "gear": None,
    "activity_metrics": "local_date",
    "activity_grades": None,
    "activity_cadence_pace": None,
    "daily_load": "day",
    "weekly_load": "week_start",
    "load_signals": "day",
    "surface_mix": "day",
    "surface_variety": "day",
    "cadence_baseline": "local_date",
    "gear_usage": None,
}
"""View -> the local date column it is partitioned by (None: by athlete only)."""
