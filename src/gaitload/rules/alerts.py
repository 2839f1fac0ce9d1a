"""The alerts as users see them: evaluate, record, and list, newest first."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING

import duckdb

from gaitload import sqlfiles
from gaitload.errors import GaitloadError
from gaitload.read import query
from gaitload.rules import state
from gaitload.rules.catalogue import catalogue
from gaitload.rules.evaluate import Episode, evaluate
from gaitload.store import db
from gaitload.store.reading import reading

if TYPE_CHECKING:  # annotations only: the config reads the rule catalogue
    from gaitload.config import Settings

SQL = "gaitload.rules.sql"


@dataclass(frozen=True)
class Alert:
    athlete: str
    factor: str
    severity: str
    date: date
    """The local day the episode first fired."""
    message: str
    evidence: dict
    title: str
    basis: str
    status: str
    """open, resolved."""
    severity_since: date
    last_seen: date
    resolved_on: date | None
    subject: str = ""
    episode_id: int | None = None
    """None when evaluated as of a past day and not recorded."""
    delivery: str | None = None
    """none (info), past, due, pending, attempting, sent, unconfirmed, cancelled."""
    delivery_error: str | None = None

    def to_json(self) -> dict:
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(self).items()}


def check_alerts(
    settings: Settings,
    *,
    as_of: date | None = None,
    athlete: str | None = None,
    since: date | None = None,
) -> list[Alert]:
    """Evaluate the rules and return the episodes, newest first.

    As of today (the default) the result is recorded: the `alerts` view is brought up to
    date and new warn/high episodes are queued for email. With `as_of`, the rules are
    evaluated as if that day were today and nothing is recorded: looking back changes
    nothing (`send_alerts(as_of=...)` is the way to record as of a day).
    """
    require_database(settings)
    with db.opened(settings.db_path, wait_s=settings.lock_wait_s) as con:
        evaluation = evaluate(con, settings, as_of=as_of, athlete=athlete)
        if as_of is None:
            state.record(con, settings, evaluation)
            return list_alerts(con, athlete=athlete, since=since)
    alerts = [_from_episode(e) for e in evaluation.episodes]
    alerts = [a for a in alerts if since is None or (a.resolved_on or as_of) >= since]
    return sorted(alerts, key=lambda a: (a.date, a.severity_since), reverse=True)


def require_database(settings: Settings) -> None:
    """Alerts need a history: do not leave an empty database behind a typo'd --db."""
    if not settings.db_path.exists():
        raise GaitloadError(
            f"no database at {settings.db_path}: import something first (gaitload import)"
        )


def list_alerts(
    con: duckdb.DuckDBPyConnection, *, athlete: str | None = None, since: date | None = None
) -> list[Alert]:
    """The recorded episodes (not withdrawn), newest first."""
    alerts = []
    for values in query.rows(
        con, sqlfiles.load(SQL, "list_alerts.sql"), athlete=athlete, since=since
    ):
        values["evidence"] = json.loads(values["evidence"])
        alerts.append(Alert(**values))
    return alerts


def _from_episode(episode: Episode) -> Alert:
    rule = catalogue().rules[episode.factor]
    return Alert(
        athlete=episode.athlete,
        factor=episode.factor,
        severity=episode.severity,
        date=episode.opened_on,
        message=episode.message,
        evidence=episode.evidence,
        title=rule.title,
        basis=rule.basis,
        status=episode.status,
        severity_since=episode.severity_since,
        last_seen=episode.last_seen,
        resolved_on=episode.resolved_on,
        subject=episode.subject,
    )


def recorded_alerts(
    settings: Settings, *, athlete: str | None = None, since: date | None = None
) -> list[Alert]:
    """The episodes as last recorded (by `check_alerts` or `send_alerts`), newest first; from
    the readers' snapshot while a writer (tonight's sync) holds the database."""
    with reading(settings.db_path) as read:
        return list_alerts(read.con, athlete=athlete, since=since)
