"""The built-in demo: a synthetic runner written as real FIT files, then imported."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from gaitload.config import AthleteSettings, Settings
from gaitload.demo.athlete import DEMO_ATHLETE, DEMO_TIMEZONE, write_demo_athlete
from gaitload.errors import GaitloadError
from gaitload.queries import weekly_running

__all__ = [
    "DEMO_ATHLETE",
    "DEMO_TIMEZONE",
    "demo_mail",
    "demo_settings",
    "reset_demo_database",
    "weekly_summary",
    "write_demo_config",
    "write_demo_files",
]


DEMO_EMAIL = "demo.runner@example.com"


def demo_settings(settings: Settings) -> Settings:
    """The demo's own database, outbox and athlete, beside the user's real data."""
    athlete = AthleteSettings(DEMO_ATHLETE, DEMO_TIMEZONE, email=DEMO_EMAIL)
    return demo_mail(
        replace(
            settings,
            db_path=settings.data_dir / "demo.duckdb",
            athletes={**settings.athletes, DEMO_ATHLETE: athlete},
        )
    )


def demo_mail(settings: Settings) -> Settings:
    """The demo's emails go to its own outbox folder, never through a configured server."""
    outbox = settings.data_dir / "demo" / "outbox"
    return replace(settings, mail=replace(settings.mail, smtp=None, outbox=outbox))


MARKER = ".gaitload-demo"


def write_demo_files(out_dir: Path, *, end: date, weeks: int) -> list[Path]:
    """A fresh set each time: a demo run on another day must not mix two timelines.

    Only a folder the demo made itself (it leaves a marker file) is ever emptied.
    """
    if out_dir.exists() and any(out_dir.iterdir()):
        if not (out_dir / MARKER).exists():
            raise GaitloadError(
                f"{out_dir} is not empty and not a demo folder: choose another --dir"
            )
        for old in out_dir.glob("*.fit"):
            old.unlink()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MARKER).write_text("written by `gaitload demo`; emptied by its next run\n")
    return write_demo_athlete(out_dir, end=end, weeks=weeks)


def reset_demo_database(settings: Settings) -> None:
    """A fresh demo: its database and the emails in its outbox (the demo's own folder)."""
    for path in (settings.db_path, Path(f"{settings.db_path}.wal")):
        path.unlink(missing_ok=True)
    for old in settings.outbox_dir.glob("*.eml"):
        old.unlink()


def write_demo_config(settings: Settings, inbox: Path) -> Path:
    """The demo's own gaitload.toml, so the nightly flow runs on it as on a user's config."""
    config = settings.data_dir / "demo" / "gaitload.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        "# Written by `gaitload demo`: the demo athlete, its inbox and its outbox.\n"
        f'db = "{settings.db_path}"\n'
        f'data_dir = "{settings.data_dir}"\n'
        f'default_athlete = "{DEMO_ATHLETE}"\n\n'
        f"[athletes.{DEMO_ATHLETE}]\n"
        f'timezone = "{DEMO_TIMEZONE}"\n'
        f'email = "{DEMO_EMAIL}"\n'
        f'inbox = "{inbox}"\n\n'
        "[mail]\n"
        f'outbox = "{settings.outbox_dir}"\n',
        encoding="utf-8",
    )
    return config


def weekly_summary(settings: Settings) -> list[tuple]:
    return weekly_running(settings, DEMO_ATHLETE)
