"""Deliver the queued alert emails: nothing lost, nothing twice.

The order of operations, per message:

1. `rules.state.record` queued it (status `pending`, its Message-ID chosen) in the same
   transaction that recorded the episodes: what is due is never lost.
2. The transport connects and the server accepts sender and recipients. Any failure up to
   here leaves it `pending`, with the error and the attempt counted.
3. Just before the irreversible step (SMTP DATA; the outbox's rename) the status becomes
   `attempting`, committed.
4. After the server's "250 OK" (the file in place) it becomes `sent`. A refusal or a
   timeout, which we see, puts it back to `pending` with the error; the next run retries.

A run that stops between 3 and 4 (killed, power cut) leaves `attempting`. The next run
resolves it before sending anything: an outbox message is `sent` if its file exists, else
`pending`; an SMTP message becomes `unconfirmed` and is not sent again, because the server
may well have it: at most once, and the user is told (the `alerts` view, the CLI).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from gaitload import sqlfiles
from gaitload.config import Settings
from gaitload.errors import ConfigError, MailDeliveryError, MailLoginError
from gaitload.notify.compose import compose, recipients
from gaitload.notify.transport import MessageRefused, OutboxTransport, SmtpTransport, Transport
from gaitload.rules import evaluate, record
from gaitload.rules.alerts import require_database
from gaitload.store import db

SQL = "gaitload.notify.sql"


@dataclass
class DeliveryReport:
    transport: str
    """smtp or outbox."""
    where: str
    """host:port, or the outbox folder."""
    sent: list[tuple[str, str]] = field(default_factory=list)
    """(athlete, recipients) per message delivered now."""
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(athlete, error) per message left pending."""
    unconfirmed: list[str] = field(default_factory=list)
    """Message-IDs a stopped run may or may not have delivered; not resent."""
    recovered: int = 0
    """Messages of a stopped run found delivered (outbox) and recorded as sent."""


def transport_for(settings: Settings) -> Transport:
    if settings.mail.smtp is not None:
        return SmtpTransport(settings.mail.smtp)
    return OutboxTransport(settings.outbox_dir)


def send_alerts(
    settings: Settings,
    *,
    as_of: date | None = None,
    athlete: str | None = None,
    transport: Transport | None = None,
) -> DeliveryReport:
    """Evaluate and record the alerts (as of a day, default today), then email what is new.

    Raises `MailDeliveryError` after recording when any message could not be delivered:
    those stay pending, with the error, for the next run.
    """
    require_database(settings)
    transport = transport or transport_for(settings)
    report = DeliveryReport(transport=transport.kind, where=transport.where)
    with db.opened(settings.db_path, wait_s=settings.lock_wait_s) as con:
        record(con, settings, evaluate(con, settings, as_of=as_of, athlete=athlete))
        _resolve_unfinished(con, report)
        queued = _rows(con, "messages_to_send.sql", athlete=athlete)
        if queued:
            _deliver(con, settings, transport, queued, report)
    if report.failed:
        error = report.failed[0][1]
        raise MailDeliveryError(
            f"{len(report.failed)} alert email(s) not delivered ({error}); they stay pending "
            "and the next `gaitload alerts --send` retries them"
        )
    return report


def _resolve_unfinished(con: duckdb.DuckDBPyConnection, report: DeliveryReport) -> None:
    for m in _rows(con, "unresolved_attempts.sql"):
        if m["transport"] == "outbox" and OutboxTransport.delivered(m["outbox_path"]):
            _mark(con, m["message_id"], "sent")
            report.recovered += 1
        elif m["transport"] == "outbox":
            _mark(con, m["message_id"], "pending", error="interrupted before the file was written")
        else:
            _mark(
                con,
                m["message_id"],
                "unconfirmed",
                error="a previous run stopped while handing it to the SMTP server: it may have "
                "been delivered, so it is not sent again",
            )
            report.unconfirmed.append(m["message_id"])


def _deliver(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    transport: Transport,
    queued: list[dict],
    report: DeliveryReport,
) -> None:
    smtp = transport.kind == "smtp"
    to = {}
    for m in list(queued):  # an athlete without an address waits; the others are sent
        try:
            to[m["message_id"]] = recipients(settings, m["athlete"], smtp=smtp)
        except ConfigError as exc:
            _failed(con, m, str(exc), report)
            queued.remove(m)
    if not queued:
        return
    try:
        transport.__enter__()
    except (MailDeliveryError, MailLoginError) as exc:
        for m in queued:
            _mark(con, m["message_id"], "pending", attempt=True, error=str(exc))
            report.failed.append((m["athlete"], str(exc)))
        if isinstance(exc, MailLoginError):
            raise
        return
    try:
        for i, m in enumerate(queued):
            message_id = m["message_id"]
            email = compose(con, settings, to=to[message_id], **m)
            if email is None:
                _mark(con, message_id, "cancelled", error="every episode in it was withdrawn")
                continue

            def handing_over(path: str | None, message_id: str = message_id) -> None:
                _mark(
                    con,
                    message_id,
                    "attempting",
                    attempt=True,
                    transport=transport.kind,
                    recipients=str(to[message_id]),
                    outbox_path=path,
                )

            try:
                transport.send(email, handing_over)
            except MessageRefused as exc:
                _failed(con, m, str(exc), report)
                continue
            except MailDeliveryError as exc:  # the connection is gone: the rest wait too
                for rest in queued[i:]:
                    _failed(con, rest, str(exc), report)
                return
            _mark(con, message_id, "sent")
            report.sent.append((m["athlete"], str(to[message_id])))
    finally:
        transport.__exit__(None, None, None)


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
    outbox_path: str | None = None,
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
            "outbox_path": outbox_path,
        },
    )


def _rows(con: duckdb.DuckDBPyConnection, sql_file: str, /, **params: object) -> list[dict]:
    cursor = con.execute(sqlfiles.load(SQL, sql_file), params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def outbox_files(settings: Settings) -> list[Path]:
    return sorted(settings.outbox_dir.glob("*.eml"))
