"""The nightly run: for each athlete, pull what is new, import it, refresh, alert.

Prefect adds what the library leaves out: retries for transient failures only, one
athlete's failure kept from the others, a story in the UI (small named tasks), and an
artifact per run. All the work is done by library functions the CLI calls too.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.concurrency.sync import concurrency
from prefect.futures import wait
from prefect.states import Completed, Failed, State
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff

from gaitload.config import Settings, load_settings
from gaitload.errors import GaitloadError
from gaitload.ingest import import_paths
from gaitload.notify.deliver import send_alerts
from gaitload.pipelines.retries import retry_transient
from gaitload.sources import registry
from gaitload.store.db import publishing


@dataclass
class AthleteNight:
    athlete: str
    imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    activities: int = 0
    alerts_sent: int = 0
    notes: list[str] = field(default_factory=list)


@task(
    name="import-fit-inbox",
    retries=3,
    retry_delay_seconds=exponential_backoff(backoff_factor=5),
    retry_jitter_factor=0.5,
    retry_condition_fn=retry_transient,
)
def import_inbox(settings: Settings, athlete: str, inbox: Path) -> dict:
    report = import_paths(settings, [inbox], athlete=athlete, workers=1)
    rejected = [
        f"{Path(o.path).name}: {o.reason}" for o in report.outcomes if o.status == "rejected"
    ]
    return {
        "imported": report.count("imported") + report.count("partial"),
        "duplicates": report.count("duplicate"),
        "rejected": len(rejected),
        "activities": report.activities,
        "notes": rejected,
    }


@task(
    name="sync-source",
    task_run_name="sync-{source}",
    retries=2,
    retry_condition_fn=retry_transient,
)
def sync_source(settings: Settings, athlete: str, source: str) -> dict:
    """One athlete's sync from one source of the registry. A source's rate budget is the
    application's, shared by every athlete: a global concurrency limit `<source>-api`
    (e.g. `prefect gcl create strava-api --limit 1`) keeps syncs on several workers from
    spending it at once; in one process the syncs take turns on the database anyway.
    A source down raises a transient error (retried), a revoked token a terminal one."""
    pull = next(s.pull for s in registry.syncing() if s.name == source)
    with concurrency(f"{source}-api", occupy=1, strict=False):
        return pull(settings, athlete)


@task(name="send-alerts", retries=2, retry_condition_fn=retry_transient)
def send_new_alerts(settings: Settings, athlete: str, as_of: date | None = None) -> list[str]:
    """Evaluate the rules over the refreshed metrics and email what is new; an SMTP outage
    leaves the emails pending (and is retried here, then by the next night)."""
    report = send_alerts(settings, athlete=athlete, as_of=as_of)
    return [recipients for _, recipients in report.sent]


@task(name="athlete-night", task_run_name="night-{athlete}")
def athlete_night(
    settings: Settings, athlete: str, retry_backoff_s: float = 5.0, as_of: date | None = None
) -> AthleteNight:
    """One athlete's night; a failure here fails this athlete only."""
    backoff = exponential_backoff(backoff_factor=retry_backoff_s)
    night = AthleteNight(athlete)
    for source in registry.syncing():
        if athlete in source.connected(settings):
            sync = sync_source.with_options(retry_delay_seconds=backoff)
            synced = sync(settings, athlete, source.name)
            night.imported += synced["imported"]
            night.notes += synced["notes"]
    inbox = settings.athlete(athlete).inbox
    if inbox and inbox.exists():
        result = import_inbox.with_options(retry_delay_seconds=backoff)(settings, athlete, inbox)
        night.imported += result["imported"]
        night.duplicates += result["duplicates"]
        night.rejected += result["rejected"]
        night.activities += result["activities"]
        night.notes += result["notes"]
    elif inbox:
        night.notes.append(f"inbox {inbox} does not exist")
    if not settings.db_path.exists():
        return night  # nothing imported yet, by anyone: no rules to evaluate
    sent = send_new_alerts.with_options(retry_delay_seconds=backoff)(settings, athlete, as_of)
    night.alerts_sent = len(sent)
    night.notes += [f"alert email to {to}" for to in sent]
    return night


@flow(name="gaitload-nightly", task_runner=ThreadPoolTaskRunner(max_workers=4))
def nightly(
    db: str | None = None,
    config: str | None = None,
    retry_backoff_s: float = 5.0,
    as_of: date | None = None,
    settings: Settings | None = None,
) -> State:
    """Every configured athlete's night, then a summary artifact; fails only if all fail
    (or the readers' snapshot could not be written: a full disk).

    Athletes fan out as tasks on the flow's task runner: threads by default (their database
    writes share one DuckDB instance), a Dask or Ray runner when one machine is not enough.
    `settings`, when given, are used as they are (the demo's own), instead of loading them.
    The readers' snapshot is published once, when every athlete is done (`publishing`).
    """
    settings = settings or load_settings(db=db, config=config)
    logger = get_run_logger()
    names = list(settings.athletes) or [settings.default_athlete]
    for source in registry.syncing():
        names += [n for n in source.connected(settings) if n not in names]
    snapshot_error = None
    try:  # the athletes' many write sessions, then the readers' snapshot copied once
        with publishing(settings.db_path):
            # as_of: the day the rules take as today (the demo's last day; default: today)
            futures = {
                name: athlete_night.submit(settings, name, retry_backoff_s, as_of) for name in names
            }
            wait(list(futures.values()))
    except GaitloadError as exc:  # a full disk while copying: the night's data is stored
        snapshot_error = f"the readers' snapshot was not updated: {exc}"
    states = {name: future.state for name, future in futures.items()}
    rows, failed = [], []
    for name, state in states.items():
        if state.is_completed():
            rows.append(asdict(state.result()) | {"status": "ok"})
        else:
            failed.append(name)
            rows.append({"athlete": name, "status": "failed", "notes": [_why(state)]})
    create_table_artifact(
        key="gaitload-nightly",
        table=[
            {k: ("; ".join(v) if isinstance(v, list) else v) for k, v in r.items()} for r in rows
        ],
        description="What each athlete's night imported and sent.",
    )
    message = f"{len(names) - len(failed)} of {len(names)} athletes ok" + (
        f"; failed: {', '.join(failed)}" if failed else ""
    )
    if snapshot_error:
        message += f"; {snapshot_error}"
    logger.info(message)
    # Return a state of our own: returning the children's failed states would fail the run.
    if (failed and len(failed) == len(names)) or snapshot_error:
        return Failed(message=message, data=rows)
    return Completed(message=message, data=rows)


def _why(state: State) -> str:
    """The exception's own message: a locked database names its holder."""
    try:
        state.result()
    except Exception as exc:  # the failed task's exception, re-raised by Prefect
        return f"{type(exc).__name__}: {exc}"
    return state.message or "failed"
