"""Alert state: an evaluation merged into the stored episodes, and what to notify decided.

An episode keeps its id across evaluations: a new evaluation's episode updates the stored
one of the same athlete, factor and subject whose span it overlaps (a late import or an
earlier opening day does not make it a new episode, so it is not emailed again). Stored
episodes the evaluation no longer finds are withdrawn, never deleted: their emails stay
on record.

Notifying is decided here, in the same transaction: each episode at a notified severity
gets one notice per severity it reaches and per channel (so each channel tells it once, and
again only when it escalates). Recent ones join the athlete's pending message on that
channel, whose id the channel makes (for email, the Message-ID); older ones are recorded as
past.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import duckdb

from gaitload import sqlfiles
from gaitload.notify.channel import Channel
from gaitload.notify.registry import channels_for
from gaitload.read import query
from gaitload.rules.catalogue import SEVERITIES, catalogue, notified
from gaitload.rules.evaluate import Episode, Evaluation
from gaitload.store import db

if TYPE_CHECKING:  # annotations only: the config reads the rule catalogue
    from gaitload.config import Settings

SQL = "gaitload.rules.sql"
EMAIL_WINDOW_DAYS = 7
"""Episodes older than this (and no longer open) are recorded as past, not notified."""


@dataclass(frozen=True)
class RecordReport:
    episodes: int
    queued: int
    """Notices (one per channel) that joined a message to send."""
    past: int
    """Notices recorded as past: too old to notify."""


def record(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    evaluation: Evaluation,
    channels: Sequence[Channel] | None = None,
) -> RecordReport:
    """Store an evaluation's episodes and queue the notifications they call for, per athlete
    and channel (default: the channels the settings turn on)."""
    if channels is None:
        channels = channels_for(settings)
    queued = past = 0
    for athlete, as_of in evaluation.as_of.items():
        episodes = [e for e in evaluation.episodes if e.athlete == athlete]
        with db.transaction(con):
            athlete_id = _athlete_id(con, athlete)
            _merge(con, athlete_id, episodes, as_of)
            for channel in channels:
                q, p = _decide(con, channel, athlete, athlete_id, as_of)
                queued, past = queued + q, past + p
    return RecordReport(episodes=len(evaluation.episodes), queued=queued, past=past)


def _athlete_id(con: duckdb.DuckDBPyConnection, athlete: str) -> int:
    ((athlete_id,),) = con.execute(
        "SELECT athlete_id FROM core.athletes WHERE name = ?", [athlete]
    ).fetchall()
    return athlete_id


def _merge(
    con: duckdb.DuckDBPyConnection, athlete_id: int, episodes: list[Episode], as_of: date
) -> None:
    stored = _rows(con, "stored_episodes.sql", athlete_id=athlete_id)
    kept: list[int] = []
    for episode in sorted(episodes, key=lambda e: e.opened_on):
        until = episode.resolved_on or as_of
        match = next(
            (
                s
                for s in stored
                if s["episode_id"] not in kept
                and (s["factor"], s["subject"]) == (episode.factor, episode.subject)
                and s["opened_on"] <= until
                and episode.opened_on <= s["until"]
            ),
            None,
        )
        values = _values(episode, as_of)
        if match:
            _execute(con, "update_episode.sql", episode_id=match["episode_id"], **values)
            kept.append(match["episode_id"])
        else:
            ((episode_id,),) = _execute(
                con,
                "insert_episode.sql",
                athlete_id=athlete_id,
                factor=episode.factor,
                subject=episode.subject,
                **values,
            ).fetchall()
            kept.append(episode_id)
    _execute(con, "withdraw_episodes.sql", athlete_id=athlete_id, as_of=as_of, kept=kept)


def _values(episode: Episode, as_of: date) -> dict:
    rule = catalogue().rules[episode.factor]
    return {
        "opened_on": episode.opened_on,
        "opened_severity": episode.opened_severity,
        "severity": episode.severity,
        "severity_since": episode.severity_since,
        "last_seen": episode.last_seen,
        "resolved_on": episode.resolved_on,
        "status": episode.status,
        "title": rule.title,
        "message": episode.message,
        "evidence": json.dumps(episode.evidence),
        "thresholds": json.dumps(episode.thresholds),
        "basis": rule.basis,
        "as_of": as_of,
    }


def _decide(
    con: duckdb.DuckDBPyConnection,
    channel: Channel,
    athlete: str,
    athlete_id: int,
    as_of: date,
) -> tuple[int, int]:
    due = _rows(
        con,
        "notices_due.sql",
        athlete_id=athlete_id,
        channel=channel.name,
        as_of=as_of,
        window_days=EMAIL_WINDOW_DAYS,
        severities=list(SEVERITIES),
        notified=list(notified()),
    )
    message_id = None
    for notice in due:
        if notice["recent"] and message_id is None:
            message_id = _pending_message(con, channel, athlete, athlete_id, as_of)
        _execute(
            con,
            "decide_notice.sql",
            episode_id=notice["episode_id"],
            severity=notice["severity"],
            channel=channel.name,
            message_id=message_id if notice["recent"] else None,
        )
    recent = sum(1 for n in due if n["recent"])
    return recent, len(due) - recent


def _pending_message(
    con: duckdb.DuckDBPyConnection, channel: Channel, athlete: str, athlete_id: int, as_of: date
) -> str:
    """The athlete's message on the channel not yet tried, or a new one, its id made now by
    the channel."""
    rows = _rows(con, "pending_message.sql", athlete_id=athlete_id, channel=channel.name)
    if rows:
        message_id = rows[0]["message_id"]
        _execute(con, "extend_message.sql", message_id=message_id, as_of=as_of)
        return message_id
    message_id = channel.new_message_id(athlete)
    _execute(
        con,
        "queue_message.sql",
        message_id=message_id,
        channel=channel.name,
        athlete_id=athlete_id,
        as_of=as_of,
    )
    return message_id


def _rows(con: duckdb.DuckDBPyConnection, sql_file: str, /, **params: object) -> list[dict]:
    return query.rows(con, sqlfiles.load(SQL, sql_file), **params)


def _execute(con: duckdb.DuckDBPyConnection, sql_file: str, /, **params: object):
    return con.execute(sqlfiles.load(SQL, sql_file), params)
