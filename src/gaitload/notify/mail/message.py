"""A notification as an email: both parts, the chart inline, and headers mail rules can sort
on (the athlete, the factors, the severity)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import TYPE_CHECKING

from gaitload.errors import ConfigError
from gaitload.notify.notification import Notification, one_line

if TYPE_CHECKING:  # annotations only: the config reads the rule catalogue
    from gaitload.config import Settings

CHART_FILE = "running-per-week.png"


@dataclass(frozen=True)
class Recipients:
    to: str
    cc: str | None

    def __str__(self) -> str:
        return ", ".join(a for a in (self.to, self.cc) if a)


def recipients(settings: Settings, athlete: str, *, smtp: bool) -> Recipients:
    """The athlete's own address, else GAITLOAD_ALERT_TO; the coach, if any, in Cc."""
    athlete_settings = settings.athlete(athlete)
    address = athlete_settings.email or settings.mail.alert_to
    if not address:
        if smtp:
            raise ConfigError(
                f"no email address for athlete {athlete!r}: set email under "
                f"[athletes.{athlete}] in gaitload.toml, or GAITLOAD_ALERT_TO"
            )
        address = "athlete@localhost"  # an outbox file still needs a To
    to = address if "<" in address else formataddr((one_line(athlete), address))
    return Recipients(to=to, cc=athlete_settings.coach)


def email_message(
    notification: Notification, *, message_id: str, sender: str, to: Recipients
) -> EmailMessage:
    n = notification
    message = EmailMessage()
    message["Subject"] = n.title
    message["From"] = sender
    message["To"] = to.to
    if to.cc:
        message["Cc"] = to.cc
    message["Date"] = format_datetime(datetime.now().astimezone())
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message["X-Gaitload-Athlete"] = one_line(n.athlete)
    message["X-Gaitload-As-Of"] = n.as_of.isoformat()
    message["X-Gaitload-Factors"] = ", ".join(n.factors)
    message["X-Gaitload-Severity"] = n.severity
    message.set_content(n.text)
    message.add_alternative(n.html, subtype="html")
    message.get_payload()[1].add_related(
        n.chart, "image", "png", cid=f"<{n.chart_id}>", disposition="inline", filename=CHART_FILE
    )
    return message
