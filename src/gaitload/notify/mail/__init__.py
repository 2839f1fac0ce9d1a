"""The email channel: a notification as a MIME message, by SMTP or into an outbox folder."""

from gaitload.notify.mail.channel import EmailChannel, transport_for
from gaitload.notify.mail.transport import OutboxTransport, SmtpTransport

__all__ = ["EmailChannel", "OutboxTransport", "SmtpTransport", "transport_for"]
