"""`gaitload demo` end to end: the demo's files, the real nightly flow on them, and what
there is to show. Every step takes the demo's own settings (`demo_settings`) as an argument,
so nothing of the user's environment or config can redirect it; the CLI only renders.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from gaitload.config import Settings
from gaitload.demo import reset_demo_database, write_demo_config, write_demo_files
from gaitload.lookback.model import LookBack
from gaitload.notify import DeliveryReport
from gaitload.rules import Alert
from gaitload.store.db import publishing


@dataclass
class Night:
    """What the demo shows after its nightly run, for its one athlete."""

    message: str
    rows: list[dict]
    """One per athlete: imported, alerts_sent (as the flow returns them)."""
    weeks: list[tuple]
    signals: dict | None
    delivery: DeliveryReport
    alerts: list[Alert]
    outbox: list[Path]
    pain: dict | None
    """The first pain reported, if any: the look-back is read from it."""
    lookback: LookBack | None


def write_files(
    settings: Settings, out_dir: Path, *, end: date, weeks: int, fresh: bool
) -> list[Path]:
    """A fresh demo (its database and outbox emptied, unless `fresh` is false: a --db given)
    and its FIT files."""
    if fresh:
        reset_demo_database(settings)
    return write_demo_files(out_dir, end=end, weeks=weeks)


def run_night(settings: Settings, as_of: date) -> Night:
    """The real nightly flow (Prefect, ephemeral) on the demo's settings, passed as they are,
    then alerts sent (to the demo's outbox), read back, and the look-back from its pain."""
    from gaitload.lookback import look_back
    from gaitload.notify import outbox_files, send_alerts
    from gaitload.pain import pain_entries
    from gaitload.read.overview import latest_signals, weekly_running
    from gaitload.rules import recorded_alerts

    athlete = settings.default_athlete
    with publishing(settings.db_path):  # the flow's sessions and the sending: one copy
        state = _nightly(settings, as_of)
        delivery = send_alerts(settings, as_of=as_of, athlete=athlete)
    rows, columns, *_ = pain_entries(settings, athlete=athlete)
    pain = dict(zip(columns, rows[-1], strict=True)) if rows else None  # the first reported
    return Night(
        message=state.message,
        rows=state.result(raise_on_failure=False) or [],
        weeks=weekly_running(settings, athlete),
        signals=latest_signals(settings, athlete),
        delivery=delivery,
        alerts=recorded_alerts(settings, athlete=athlete),
        outbox=outbox_files(settings),
        pain=pain,
        lookback=look_back(settings, day=pain["date"], athlete=athlete) if pain else None,
    )


def _nightly(settings: Settings, as_of: date):
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    write_demo_config(settings)
    from gaitload.pipelines.local_server import local_prefect
    from gaitload.pipelines.nightly import nightly

    with local_prefect():
        return nightly(settings=settings, as_of=as_of, return_state=True)
