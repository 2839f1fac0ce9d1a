"""Deliver the queued notifications through their channels: nothing lost, nothing twice.

The order of operations, per message (one athlete, one channel):

1. `rules.state.record` queued it (status `pending`, its id made by its channel) in the
   same transaction that recorded the episodes: what is due is never lost.
2. The channel connects and its service accepts the message's envelope (for SMTP the sender
   and recipients). Any failure up to here leaves it `pending`, with the error and the
   attempt counted.
3. Just before the irreversible step (SMTP DATA; the outbox's rename) the status becomes
   `attempting`, committed, with the channel's receipt (the outbox file).
4. After the service's "OK" it becomes `sent`. A refusal or a timeout, which we see, puts
   it back to `pending` with the error; the next run retries.

A run that stops between 3 and 4 (killed, power cut) leaves `attempting`. The next run
settles it before sending anything, by asking the channel (`Channel.settle`): an outbox
message is `sent` if its file exists, else `pending`; an SMTP message becomes `unconfirmed`
and is not sent again, because the server may well have it: at most once, and the user is
told (the `alerts` view, the CLI).

Each message's notification is composed once per run, whatever the number of channels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from gaitload import sqlfiles
from gaitload.config import Settings
from gaitload.errors import ChannelLoginError, ConfigError, DeliveryError
from gaitload.notify.channel import Channel, Refused
from gaitload.notify.compose import compose, message_alerts
from gaitload.notify.mail import EmailChannel
from gaitload.notify.mail.transport import Transport
from gaitload.notify.notification import Notification
from gaitload.notify.registry import channels_for
from gaitload.read import query
from gaitload.rules.alerts import require_database
from gaitload.rules.evaluate import evaluate
from gaitload.rules.state import record
from gaitload.store import db

SQL = "gaitload.notify.sql"


@dataclass
class DeliveryReport:
    transport: str
    """The channels' routes this run: smtp or outbox for email (comma-separated if several)."""
    where: str
    """host:port, or the outbox folder (comma-separated if several)."""
    sent: list[tuple[str, str]] = field(default_factory=list)
    """(athlete, recipients) per message delivered now."""
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(athlete, error) per message left pending."""
    unconfirmed: list[str] = field(default_factory=list)
    """Message ids a stopped run may or may not have delivered; not resent."""
    recovered: int = 0
    """Messages of a stopped run found delivered (outbox) and recorded as sent."""


def send_alerts(
    settings: Settings,
    *,
    as_of: date | None = None,
    athlete: str | None = None,
    transport: Transport | None = None,
    channels: Sequence[Channel] | None = None,
) -> DeliveryReport:
    """Evaluate and record the alerts (as of a day, default today), then deliver what is new
    through every channel (default: those the settings turn on; `transport` replaces the
    email channel's SMTP server or outbox).

    Raises `DeliveryError` (for email `MailDeliveryError`) after recording when any message
    could not be delivered: those stay pending, with the error, for the next run. A channel
    whose login was refused raises its `ChannelLoginError` once the others have delivered.
    """
    require_database(settings)
    if channels is None:
        channels = channels_for(settings)
        if transport is not None:
            channels = [
                EmailChannel(settings, transport) if c.name == EmailChannel.name else c
                for c in channels
            ]
    report = DeliveryReport(
        transport=", ".join(c.kind for c in channels), where=", ".join(c.where for c in channels)
    )
    failing: list[Channel] = []
    refused_login: ChannelLoginError | None = None
    with db.opened(settings.db_path, wait_s=settings.lock_wait_s) as con:
        record(con, settings, evaluate(con, settings, as_of=as_of, athlete=athlete), channels)
        by_name = {c.name: c for c in channels}
        _settle_unfinished(con, by_name, report)
        queued = _rows(con, "messages_to_send.sql", athlete=athlete)
        composed: dict[tuple, Notification] = {}
        for channel in channels:
            mine = [m for m in queued if m["channel"] == channel.name]
            failed = len(report.failed)
            try:
                if mine:
                    _deliver(con, channel, mine, composed, report)
            except ChannelLoginError as exc:  # the other channels still deliver
                refused_login = refused_login or exc
            if len(report.failed) > failed:
                failing.append(channel)
    if refused_login is not None:
        raise refused_login
    if report.failed:
        error = report.failed[0][1]
        one = failing[0] if len(failing) == 1 else None
        raise (one.error if one else DeliveryError)(
            f"{len(report.failed)} {one.noun if one else 'alert notification'}(s) not "
            f"delivered ({error}); they stay pending and the next `gaitload alerts --send` "
            "retries them"
        )
    return report


def _settle_unfinished(
    con: duckdb.DuckDBPyConnection, channels: dict[str, Channel], report: DeliveryReport
) -> None:
    """Messages a stopped run was handing over; a channel not on this run keeps its own."""
    for m in _rows(con, "unresolved_attempts.sql"):
        channel = channels.get(m["channel"])
        if channel is None:
            continue
        status, error = channel.settle(m["transport"], m["receipt"])
        _mark(con, m["message_id"], status, error=error)
        if status == "sent":
            report.recovered += 1
        elif status == "unconfirmed":
            report.unconfirmed.append(m["message_id"])


def _deliver(
    con: duckdb.DuckDBPyConnection,
    channel: Channel,
    queued: list[dict],
    composed: dict[tuple, Notification],
    report: DeliveryReport,
) -> None:
    to = {}
    for m in list(queued):  # an athlete without an address waits; the others are sent
        try:
            to[m["message_id"]] = channel.address(m["athlete"])
        except ConfigError as exc:
            _failed(con, m, str(exc), report)
            queued.remove(m)
    if not queued:
        return
    try:
        channel.__enter__()
    except (DeliveryError, ChannelLoginError) as exc:
        for m in queued:
            _mark(con, m["message_id"], "pending", attempt=True, error=str(exc))
            report.failed.append((m["athlete"], str(exc)))
        if isinstance(exc, ChannelLoginError):
            raise
        return
    try:
        for i, m in enumerate(queued):
            message_id = m["message_id"]
            notification = _notification(con, m, composed)
            if notification is None:
                _mark(con, message_id, "cancelled", error="every episode in it was withdrawn")
                continue

            def handing_over(receipt: str | None, message_id: str = message_id) -> None:
                _mark(
                    con,
                    message_id,
                    "attempting",
                    attempt=True,
                    transport=channel.kind,
                    recipients=str(to[message_id]),
                    receipt=receipt,
                )

            try:
                channel.send(
                    notification,
                    message_id=message_id,
                    address=to[message_id],
                    handing_over=handing_over,
                )
            except Refused as exc:
                _failed(con, m, str(exc), report)
                continue
            except DeliveryError as exc:  # the connection is gone: the rest wait too
                for rest in queued[i:]:
                    _failed(con, rest, str(exc), report)
                return
            _mark(con, message_id, "sent")
            report.sent.append((m["athlete"], str(to[message_id])))
    finally:
        channel.__exit__(None, None, None)


def _notification(
    con: duckdb.DuckDBPyConnection, m: dict, composed: dict[tuple, Notification]
) -> Notification | None:
    """The message's notification, composed once per run for the same episodes and day: the
    channels' messages about them say the same thing. None when all were withdrawn."""
    alerts = message_alerts(con, m["message_id"])
    if not alerts:
        return None
    key = (m["athlete"], m["as_of"], tuple(a["episode_id"] for a in alerts))
    if key not in composed:
        composed[key] = compose(con, athlete=m["athlete"], as_of=m["as_of"], alerts=alerts)
    return composed[key]


def _failed(con: duckdb.DuckDBPyConnection, m: dict, error: str, report: DeliveryReport) -> None:
    """Not delivered, and we know it: pending again, the attempt counted, the error kept."""
    row = _rows(con, "message_status.sql", message_id=m["message_id"])[0]
    _mark(con, m["message_id"], "pending", attempt=row["status"] != "attempting", error=error)
    report.failed.append((m["athlete"], error))


def _mark(
    con: duckdb.DuckDBPyConnection,
    message_id: str,
    status: str,
    *,
    attempt: bool = False,
    error: str | None = None,
    transport: str | None = None,
    recipients: str | None = None,
    receipt: str | None = None,
) -> None:
    con.execute(
        sqlfiles.load(SQL, "mark.sql"),
        {
            "message_id": message_id,
            "status": status,
            "attempt": int(attempt),
            "error": error,
            "transport": transport,
            "recipients": recipients,
            "receipt": receipt,
        },
    )


def _rows(con: duckdb.DuckDBPyConnection, sql_file: str, /, **params: object) -> list[dict]:
    return query.rows(con, sqlfiles.load(SQL, sql_file), **params)


def outbox_files(settings: Settings) -> list[Path]:
    return sorted(settings.outbox_dir.glob("*.eml"))
