"""Prefect's temporary local server, as gaitload starts it for `nightly` and `demo`.

With no PREFECT_API_URL, running a flow starts Prefect's ephemeral server, which on its
first start creates and migrates its own database. On a busy 2-core machine that took more
than Prefect's default 20 s: the run died with "Timed out while attempting to connect", and a
second try then found the port held by the first, still starting. gaitload gives it two
minutes (or whatever longer the user set) and keeps its telemetry off: gaitload makes no
request off the machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

STARTUP_TIMEOUT_S = 120


@contextmanager
def local_prefect() -> Iterator[None]:
    """Run flows inside this to start Prefect's own server on gaitload's terms."""
    from prefect.settings import (
        PREFECT_SERVER_ANALYTICS_ENABLED,
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
        get_current_settings,
        temporary_settings,
    )

    current = get_current_settings().server.ephemeral.startup_timeout_seconds
    updates = {
        PREFECT_SERVER_ANALYTICS_ENABLED: False,
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS: max(current, STARTUP_TIMEOUT_S),
    }
    with temporary_settings(updates=updates):
        yield
