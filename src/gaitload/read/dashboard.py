"""`gaitload dashboard`: the marimo app in `dashboards/`, served on 127.0.0.1 only.

It answers only requests addressed to 127.0.0.1 or localhost: a web page from elsewhere that
gets its own name to resolve to 127.0.0.1 (DNS rebinding) sends its own name in the Host
header and is refused, so it cannot read the health data the dashboard shows. marimo has no
such option for `marimo run`, so the app is served through marimo's ASGI API with
Starlette's TrustedHostMiddleware in front, by uvicorn (both come with marimo).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from gaitload.config import Settings
from gaitload.errors import ConfigError

APP = "gaitload_dashboard.py"
HOST = "127.0.0.1"
ALLOWED_HOSTS = [HOST, "localhost"]


def app_path() -> Path:
    """The app as installed in the wheel, or in the source checkout."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "dashboards" / APP, package.parents[1] / "dashboards" / APP):
        if candidate.exists():
            return candidate
    raise ConfigError(f"the dashboard app {APP} is not installed")


def command(port: int) -> list[str]:
    return [sys.executable, "-m", "gaitload.read.dashboard", str(port)]


def serve(settings: Settings, port: int) -> int:
    """Run the dashboard in the foreground until interrupted; returns the server's exit code."""
    env = {**os.environ, "GAITLOAD_DB": str(settings.db_path)}
    if settings.config_path:
        env["GAITLOAD_CONFIG"] = str(settings.config_path)
    return subprocess.call(command(port), env=env)


def asgi_app():
    """The marimo app (run mode, code not sent to the browser) behind the Host check."""
    import marimo
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    builder = marimo.create_asgi_app(quiet=True).with_app(path="", root=str(app_path()))
    return TrustedHostMiddleware(builder.build(), allowed_hosts=ALLOWED_HOSTS)


def main(port: int) -> None:
    import uvicorn

    uvicorn.run(asgi_app(), host=HOST, port=port, log_level="warning")


if __name__ == "__main__":
    main(int(sys.argv[1]))
