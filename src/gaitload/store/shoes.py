"""Shoes the user names: FIT files say nothing about footwear, so the user says from when."""

from __future__ import annotations

import re
from datetime import date

from gaitload import sqlfiles
from gaitload.config import Settings
from gaitload.store import db, writer

SQL = "gaitload.store.sql"


def add_shoe(settings: Settings, name: str, *, athlete: str | None, in_use_from: date) -> str:
    """Record a shoe in use from a date on; runs without gear of their own count on it."""
    athlete_settings = settings.athlete(athlete)
    gear_id = "user:" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    with db.opened(settings.db_path, wait_s=settings.lock_wait_s) as con:
        athlete_id, _ = writer.ensure_athlete(con, athlete_settings, settings.default_timezone)
        con.execute(
            sqlfiles.load(SQL, "add_shoe.sql"),
            {"gear_id": gear_id, "athlete_id": athlete_id, "name": name, "from": in_use_from},
        ).fetchall()
    return gear_id
