"""The built-in demo: a synthetic runner written as real FIT files, then imported."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from gaitload.config import AthleteSettings, MailSettings, Settings, StravaSettings
from gaitload.demo.athlete import DEMO_ATHLETE, DEMO_TIMEZONE, write_demo_athlete
from gaitload.errors import GaitloadError

__all__ = [
    "DEMO_ATHLETE",
    "DEMO_TIMEZONE",
    "demo_settings",
    "reset_demo_database",
    "write_demo_config",
    "write_demo_files",
]


DEMO_EMAIL = "demo.runner@example.com"


def demo_settings(user: Settings, inbox: Path, db: Path | None = None) -> Settings:
    """The demo's own world: database, config, athlete, inbox, outbox, token folder.

    Built from nothing of the user's but the data folder it lives in (and `--db` when given),
    so GAITLOAD_DB, a config's `db`, its athletes, inboxes, Strava tokens or SMTP server can
    never lead the demo into the user's own data or mail.
    """
    root = user.data_dir / "demo"
    athlete = AthleteSettings(DEMO_ATHLETE, DEMO_TIMEZONE, email=DEMO_EMAIL, inbox=inbox)
    return Settings(
        db_path=db or user.data_dir / "demo.duckdb",
        data_dir=user.data_dir,
        config_path=root / "gaitload.toml",
        default_athlete=DEMO_ATHLETE,
        default_timezone=DEMO_TIMEZONE,
        athletes={DEMO_ATHLETE: athlete},
        lock_wait_s=user.lock_wait_s,
        strava=StravaSettings(token_dir=root / "strava-tokens"),
        mail=MailSettings(outbox=root / "outbox"),
    )


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


def write_demo_config(settings: Settings) -> Path:
    """The demo's settings as a gaitload.toml, to explore it as a user's own config."""
    athlete = settings.athlete(DEMO_ATHLETE)
    config = settings.config_path
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        "# Written by `gaitload demo`: the demo athlete, its inbox and its outbox.\n"
        f"db = {_toml(settings.db_path)}\n"
        f"data_dir = {_toml(settings.data_dir)}\n"
        f'default_athlete = "{DEMO_ATHLETE}"\n\n'
        f"[athletes.{DEMO_ATHLETE}]\n"
        f'timezone = "{DEMO_TIMEZONE}"\n'
        f'email = "{DEMO_EMAIL}"\n'
        f"inbox = {_toml(athlete.inbox)}\n\n"
        "[mail]\n"
        f"outbox = {_toml(settings.outbox_dir)}\n"
        "\n[strava]\n"
        f"token_dir = {_toml(settings.token_dir)}\n",
        encoding="utf-8",
    )
    return config


def _toml(path: Path) -> str:
    """A path as a TOML string: a literal string keeps backslashes and quotes as they are."""
    return f"'{path}'" if "'" not in str(path) else json.dumps(str(path))
