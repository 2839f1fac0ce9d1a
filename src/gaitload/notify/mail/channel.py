"""The email channel: a Message-ID per message, SMTP when configured, else the outbox."""

from __future__ import annotations

import re
from email.utils import make_msgid, parseaddr
from typing import TYPE_CHECKING

from gaitload.errors import MailDeliveryError
from gaitload.notify.channel import HandingOver
from gaitload.notify.mail.message import Recipients, email_message, recipients
from gaitload.notify.mail.transport import OutboxTransport, SmtpTransport, Transport
from gaitload.notify.notification import Notification

if TYPE_CHECKING:  # annotations only: the config reads the rule catalogue
    from gaitload.config import Settings


def transport_for(settings: Settings) -> Transport:
    if settings.mail.smtp is not None:
        return SmtpTransport(settings.mail.smtp)
    return OutboxTransport(settings.outbox_dir)


class EmailChannel:
    name = "email"
    noun = "alert email"
    error = MailDeliveryError

    def __init__(self, settings: Settings, transport: Transport | None = None) -> None:
        self.settings = settings
        self.transport = transport or transport_for(settings)
        self.kind = self.transport.kind
        self.where = self.transport.where

    def new_message_id(self, athlete: str) -> str:
        """`<…@the sender's domain>`, naming the athlete: mail clients thread on it."""
        domain = parseaddr(self.settings.mail.mail_from)[1].rpartition("@")[2]
        slug = re.sub(r"[^a-z0-9]+", "-", athlete.lower()).strip("-") or "athlete"
        return make_msgid(idstring=f"gaitload.{slug}", domain=domain or "gaitload.localhost")

    def address(self, athlete: str) -> Recipients:
        return recipients(self.settings, athlete, smtp=self.kind == "smtp")

    def __enter__(self) -> EmailChannel:
        self.transport.__enter__()
        return self

    def __exit__(self, kind, exc, tb) -> None:
        self.transport.__exit__(kind, exc, tb)

    def send(
        self,
        notification: Notification,
        *,
        message_id: str,
        address: Recipients,
        handing_over: HandingOver,
    ) -> None:
        message = email_message(
            notification, message_id=message_id, sender=self.settings.mail.mail_from, to=address
        )
        self.transport.send(message, handing_over)

    def settle(self, kind: str | None, receipt: str | None) -> tuple[str, str | None]:
        """An outbox message went out if its file is there; one handed to an SMTP server may
        well have arrived, so it is never sent again (at most once, and the user is told)."""
        if kind == "outbox":
            if OutboxTransport.delivered(receipt):
                return "sent", None
            return "pending", "interrupted before the file was written"
        return (
            "unconfirmed",
            "a previous run stopped while handing it to the SMTP server: it may have "
            "been delivered, so it is not sent again",
        )
