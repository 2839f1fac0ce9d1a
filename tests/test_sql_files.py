"""Every `.sql` file shipped in the package binds against a freshly migrated database.

A renamed column, a dropped view or a typo in a file that only a rare path runs (a Strava
edit, a disk-full retry) fails here, not in a user's nightly run. The files are found, not
listed: a new file is checked the day it is added. Each statement is explained (parsed,
bound and planned: every table, view, column and function resolved) without running; those
that cannot be explained (CREATE: working tables and views) are run, so that the files that
read those tables bind too, in whatever order the code runs them.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pytest

from gaitload import sqlfiles
from gaitload.store import db

SRC = Path(__file__).resolve().parents[1] / "src"
SQL_FILES = sorted(
    path
    for path in (SRC / "gaitload").rglob("*.sql")
    if "migrations" not in path.parts  # they made the database: each runs once, at migrate
)

REGISTERED = {
    "computed_metrics": "SELECT * FROM core.activity_metrics LIMIT 0",
    "computed_cadence_pace": "SELECT * FROM core.activity_cadence_pace LIMIT 0",
    "computed_grades": "SELECT * FROM core.activity_grades LIMIT 0",
    "new_files": "SELECT *, 0::BIGINT AS position FROM core.source_files LIMIT 0",
    "new_log": "SELECT *, 0::BIGINT AS position FROM core.ingest_log LIMIT 0",
    "new_activities": "SELECT * EXCLUDE (imported_at) FROM core.activities LIMIT 0",
    "candidates": (
        "SELECT 0::BIGINT AS position, sport, start_time_utc, file_sha256, "
        "source AS link_source, distance_m, elapsed_time_s FROM core.activities LIMIT 0"
    ),
}
"""Relations the code registers from Python frames before it runs a file (metrics/refresh.py,
store/writer.py), stood in for by empty tables of the same columns."""


PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")


EXAMPLES = {"as_of": date(2026, 1, 1), "window_days": 7}
"""Values for the parameters whose type DuckDB cannot infer from a NULL (`$as_of -
$window_days`); every other parameter is NULL."""


def statements(path: Path) -> list[str]:
    """The file's statements, split as the code splits them."""
    package = ".".join(path.parent.relative_to(SRC).parts)
    return sqlfiles.statements(package, path.name)


def check(con: duckdb.DuckDBPyConnection, statement: str) -> None:
    """Bound and planned with every parameter NULL (DuckDB would defer binding a statement
    whose parameter types it cannot infer, so PREPARE alone checks too little)."""
    params = {name: EXAMPLES.get(name) for name in PARAMETER.findall(statement)}
    if statement.lstrip().upper().startswith("CREATE"):
        con.execute(statement, params)  # EXPLAIN takes no CREATE: run it, its tables exist
        return
    con.execute(f"EXPLAIN {statement}", params)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    con = db.connect(tmp_path_factory.mktemp("sql") / "fresh.duckdb")
    for name, select in REGISTERED.items():
        con.execute(f"CREATE TEMP TABLE {name} AS {select}")
    yield con
    con.close()


def test_the_package_ships_sql_files_of_every_kind():
    assert len(SQL_FILES) > 80
    kinds = {path.parent.name for path in SQL_FILES}
    assert {"sql", "dashboard"} <= kinds and any(p.name == "views.sql" for p in SQL_FILES)


def test_every_sql_file_prepares_against_a_freshly_migrated_database(fresh):
    pending = {
        f"{path.relative_to(SRC)} statement {i + 1}": statement
        for path in SQL_FILES
        for i, statement in enumerate(statements(path))
    }
    errors: dict[str, str] = {}
    progress = True
    while pending and progress:  # a file may read a working table another file creates
        progress = False
        for where, statement in list(pending.items()):
            try:
                check(fresh, statement)
            except duckdb.Error as exc:
                errors[where] = str(exc).splitlines()[0]
                continue
            del pending[where]
            errors.pop(where, None)
            progress = True
    assert not pending, "\n".join(f"{where}: {errors[where]}" for where in pending)


def test_the_check_catches_a_missing_column(fresh):
    with pytest.raises(duckdb.BinderException):
        check(fresh, "SELECT no_such_column FROM activities WHERE athlete = $athlete")
    with pytest.raises(duckdb.CatalogException):
        check(fresh, "SELECT * FROM no_such_view")
