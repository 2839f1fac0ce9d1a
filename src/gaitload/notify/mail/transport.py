"""Where the email channel's messages go: an SMTP server, or `.eml` files in an outbox folder.

Both call `handing_over` at their point of no return: for SMTP after the server accepted
the sender and recipients and just before DATA; for the outbox just before the finished
file is renamed into place. The caller records "attempting" there, so a crash can only
leave a message whose fate is unknown in that one narrow step, and knows which step it was.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import re
import smtplib
import ssl
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Protocol

from gaitload.errors import ConfigError, MailDeliveryError, MailLoginError
from gaitload.notify.channel import HandingOver, Refused

if TYPE_CHECKING:  # annotations only: the config reads the rule catalogue
    from gaitload.config import SmtpSettings


class MessageRefused(Refused):
    """The server refused this one message (its sender, recipients or content): the
    connection is fine and the next message may go through."""


class Transport(Protocol):
    kind: str
    where: str

    def __enter__(self) -> Transport: ...

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def send(self, message: EmailMessage, handing_over: HandingOver) -> None: ...


def _refuse_clear_text_login(s: SmtpSettings) -> None:
    """AUTH PLAIN without TLS shows the password to every network hop: only to a relay on
    this machine (loopback), or when the user has said so in so many words."""
    if s.security != "none" or not s.user or s.allow_plaintext_login or is_loopback(s.host):
        return
    raise ConfigError(
        f"refusing to send the SMTP password for {s.user} in clear text to {s.host} "
        '(security = "none"): use security = "starttls" or "ssl", or, if you accept '
        "that, set allow_plaintext_login = true under [smtp] "
        "(or GAITLOAD_SMTP_ALLOW_PLAINTEXT_LOGIN=true)"
    )


def is_loopback(host: str) -> bool:
    """By the name alone, without a DNS lookup (which would itself be traffic)."""
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class SmtpTransport:
    """One SMTP connection for a run's messages: plain, STARTTLS or implicit TLS (ssl)."""

    kind = "smtp"

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.where = f"{settings.host}:{settings.port}"
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpTransport:
        s = self.settings
        _refuse_clear_text_login(s)  # before any connection: nothing leaves the machine
        context = ssl.create_default_context()
        if s.ca_file:
            context.load_verify_locations(cafile=s.ca_file)
        try:
            if s.security == "ssl":
                smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_s, context=context)
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_s)
            self._smtp = smtp
            smtp.ehlo()
            if s.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise ConfigError(
                        f"the SMTP server {self.where} does not offer STARTTLS: for a local "
                        "relay set GAITLOAD_SMTP_SECURITY=none, else check host and port"
                    )
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.user:
                if not s.password:
                    raise ConfigError(
                        f"SMTP user {s.user} has no password: set GAITLOAD_SMTP_PASSWORD or "
                        "smtp_password in the secrets file"
                    )
                smtp.login(s.user, str(s.password))
        except smtplib.SMTPAuthenticationError as exc:
            self._close()
            raise MailLoginError(
                f"the SMTP server {self.where} refused the login for {s.user} "
                f"({_reply(exc)}): check GAITLOAD_SMTP_USER and the password"
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            self._close()
            raise MailDeliveryError(f"SMTP {self.where}: {_reason(exc)}") from None
        except ConfigError:
            self._close()
            raise
        return self

    def __exit__(self, kind, exc, tb) -> None:
        self._close()

    def send(self, message: EmailMessage, handing_over: HandingOver) -> None:
        smtp = self._smtp
        assert smtp is not None, "use the transport as a context manager"
        sender = parseaddr(message["From"])[1]
        addresses = message.get_all("To", []) + message.get_all("Cc", [])
        recipients = [a for _, a in getaddresses(addresses)]
        try:
            code, reply = smtp.mail(sender)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, reply, sender)
            replies = {r: smtp.rcpt(r) for r in recipients}
            if not any(code in (250, 251) for code, _ in replies.values()):
                raise smtplib.SMTPRecipientsRefused(replies)
            handing_over(None)
            code, reply = smtp.data(message.as_bytes(policy=policy.SMTP))
            if code != 250:  # data() raises only when DATA itself is refused
                raise smtplib.SMTPDataError(code, reply)
        except smtplib.SMTPServerDisconnected as exc:
            raise MailDeliveryError(f"SMTP {self.where}: {_reason(exc)}") from None
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused) as exc:
            try:
                smtp.rset()
            except (OSError, smtplib.SMTPException):
                raise MailDeliveryError(f"SMTP {self.where}: {_reason(exc)}") from None
            raise MessageRefused(f"SMTP {self.where} refused it: {_reason(exc)}") from None
        except OSError as exc:  # a timeout or a reset connection
            raise MailDeliveryError(f"SMTP {self.where}: {_reason(exc)}") from None

    def _close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None


class OutboxTransport:
    """`.eml` files in a folder, written whole or not at all (temporary file, then rename)."""

    kind = "outbox"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.where = str(folder)

    def __enter__(self) -> OutboxTransport:
        self.folder.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, kind, exc, tb) -> None:
        return None

    def send(self, message: EmailMessage, handing_over: HandingOver) -> None:
        final = self.folder / self.file_name(message)
        partial = final.with_name(f".{final.name}.partial")
        with open(partial, "wb") as out:
            out.write(message.as_bytes(policy=policy.SMTP))
            out.flush()
            os.fsync(out.fileno())
        handing_over(str(final))
        os.replace(partial, final)

    @staticmethod
    def file_name(message: EmailMessage) -> str:
        """E.g. 2026-11-20-demo-1796f3c2.eml: sorted by day, one per Message-ID."""
        athlete = re.sub(r"[^a-z0-9]+", "-", str(message["X-Gaitload-Athlete"]).lower())
        key = hashlib.sha256(str(message["Message-ID"]).encode()).hexdigest()[:8]
        return f"{message['X-Gaitload-As-Of']}-{athlete.strip('-') or 'athlete'}-{key}.eml"

    @staticmethod
    def delivered(path: str | None) -> bool:
        return bool(path) and Path(path).exists()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reply(exc)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {code} {reply.decode(errors='replace')}"
            for address, (code, reply) in exc.recipients.items()
        )
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return f"{exc.smtp_code} {' '.join(str(text).split())}"
