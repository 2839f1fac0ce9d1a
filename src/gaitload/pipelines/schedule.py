"""Running the nightly flow on a schedule: a cron in the athlete's zone, on a Prefect server.

Prefect's ephemeral mode refuses to schedule, so `gaitload schedule` needs a server: the
one the user configured (PREFECT_API_URL), or one it starts on 127.0.0.1 with its state in
gaitload's data directory, which ends with it (Ctrl-C or `kill -9` alike).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

from prefect.schedules import Cron

from gaitload.config import Settings
from gaitload.errors import TransientError
from gaitload.pipelines.nightly import nightly
from gaitload.workers import child_process

DEPLOYMENT = "gaitload-nightly"
LOCAL_SERVER = "http://127.0.0.1:4200/api"


def nightly_cron(settings: Settings) -> Cron:
    """Every day at `nightly_at` (default 03:00) in the default athlete's time zone."""
    hour, minute = (int(x) for x in settings.nightly_at.split(":"))
    zone = settings.timezone_of(settings.default_athlete)
    return Cron(f"{minute} {hour} * * *", timezone=zone)


def deployment(settings: Settings):
    params = {"db": str(settings.db_path)}
    if settings.config_path:
        params["config"] = str(settings.config_path)
    return nightly.to_deployment(
        name=DEPLOYMENT, schedules=[nightly_cron(settings)], parameters=params
    )


def ensure_server(settings: Settings) -> subprocess.Popen | None:
    """Use the configured Prefect server, or start one for the user; None if configured."""
    if os.environ.get("PREFECT_API_URL"):
        return None
    home = settings.data_dir / "prefect"
    home.mkdir(parents=True, exist_ok=True)
    # no telemetry from the server it starts: gaitload makes no request off the machine
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    server = child_process(
        [
            sys.executable,
            "-m",
            "prefect",
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            "4200",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{LOCAL_SERVER}/health", timeout=2).close()
            os.environ["PREFECT_API_URL"] = LOCAL_SERVER
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise TransientError(
        f"the local Prefect server did not start within 120 s (its state: {home}); "
        "try again, or set PREFECT_API_URL to a server you run"
    )


def serve(settings: Settings) -> None:
    """Serve the nightly deployment until interrupted (Ctrl-C)."""
    server = ensure_server(settings)
    try:
        nightly.serve(
            name=DEPLOYMENT,
            schedules=[nightly_cron(settings)],
            parameters=deployment(settings).parameters,
        )
    finally:
        if server:
            server.terminate()
            server.wait()
