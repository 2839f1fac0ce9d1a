"""`gaitload dashboard`: the marimo app in `dashboards/`, served on 127.0.0.1 only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from gaitload.config import Settings
from gaitload.errors import ConfigError

APP = "gaitload_dashboard.py"


def app_path() -> Path:
    """The app as installed in the wheel, or in the source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "dashboards" / APP, here.parents[1] / "dashboards" / APP):
        if candidate.exists():
            return candidate
    raise ConfigError(f"the dashboard app {APP} is not installed")


def command(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "marimo",
        "run",
        "--headless",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-token",
        str(app_path()),
    ]


def serve(settings: Settings, port: int) -> int:
    """Run the dashboard in the foreground until interrupted; returns marimo's exit code."""
    env = {**os.environ, "GAITLOAD_DB": str(settings.db_path)}
    if settings.config_path:
        env["GAITLOAD_CONFIG"] = str(settings.config_path)
    return subprocess.call(command(port), env=env)
