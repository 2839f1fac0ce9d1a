"""The built-in demo: a synthetic runner written as real FIT files, then imported."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from gaitload.config import AthleteSettings, Settings
from gaitload.demo.athlete import DEMO_ATHLETE, DEMO_TIMEZONE, write_demo_athlete
from gaitload.queries import weekly_running

__all__ = ["DEMO_ATHLETE", "DEMO_TIMEZONE", "demo_settings", "weekly_summary", "write_demo_files"]


def demo_settings(settings: Settings) -> Settings:
    """The demo's own database, and its athlete's zone, beside the user's real data."""
    athletes = {**settings.athletes, DEMO_ATHLETE: AthleteSettings(DEMO_ATHLETE, DEMO_TIMEZONE)}
    return replace(settings, db_path=settings.data_dir / "demo.duckdb", athletes=athletes)


def write_demo_files(out_dir: Path, *, end: date, weeks: int) -> list[Path]:
    return write_demo_athlete(out_dir, end=end, weeks=weeks)


def weekly_summary(settings: Settings) -> list[tuple]:
    return weekly_running(settings, DEMO_ATHLETE)
