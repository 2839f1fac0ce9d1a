"""Alert emails: rendered from templates, delivered by SMTP or into an outbox folder."""

from gaitload.notify.deliver import DeliveryReport, outbox_files, send_alerts, transport_for
from gaitload.notify.transport import OutboxTransport, SmtpTransport

__all__ = [
    "DeliveryReport",
    "OutboxTransport",
    "SmtpTransport",
    "outbox_files",
    "send_alerts",
    "transport_for",
]
