"""Shoes as the CLI lists them: each with its runs and distance."""

from __future__ import annotations

from gaitload import sqlfiles
from gaitload.config import Settings
from gaitload.read import query
from gaitload.store.reading import reading

SQL = "gaitload.read.sql"


def shoes(settings: Settings, athlete: str | None = None) -> query.Table:
    with reading(settings.db_path) as r:
        return query.table(r.con, sqlfiles.load(SQL, "shoes.sql"), athlete=athlete)
