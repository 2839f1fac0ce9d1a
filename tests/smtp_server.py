"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd), and a few ways to misbehave."""

from __future__ import annotations

import os
import signal
import socket
import ssl
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "alerts@example.org", "s3cret-Pa55"


@dataclass
class Recorder:
    """Keeps what arrives. `refuse` = {"RCPT": "550 ..."} makes the server say no at a step;
    `kill` = ("DATA", pid) kills that process while it waits for the server's answer."""

    received: list = field(default_factory=list)
    logins: list = field(default_factory=list)
    refuse: dict = field(default_factory=dict)
    kill: tuple[str, int] | None = None

    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(e.content, policy=policy.default) for e in self.received]

    def _killed_at(self, step: str) -> None:
        if self.kill and self.kill[0] == step:
            os.kill(self.kill[1], signal.SIGKILL)
            self.kill = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self._killed_at("RCPT")
        if "RCPT" in self.refuse:
            return self.refuse["RCPT"]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if "DATA" in self.refuse:
            return self.refuse["DATA"]
        self.received.append(envelope)
        self._killed_at("DATA")
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode(),
            auth_data.password.decode(),
        ) == (USER, PASSWORD)
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)  # let the server answer 535


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(recorder: Recorder, *, security: str = "none", tls: ssl.SSLContext | None = None):
    """A running Controller: plain, STARTTLS (login required) or implicit TLS (login)."""
    kwargs: dict = {}
    if security == "starttls":
        kwargs = {
            "tls_context": tls,
            "require_starttls": True,
            "authenticator": recorder.authenticate,
            "auth_required": True,
        }
    elif security == "ssl":  # TLS from the first byte; aiosmtpd only counts STARTTLS as TLS
        kwargs = {
            "ssl_context": tls,
            "authenticator": recorder.authenticate,
            "auth_require_tls": False,
        }
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port(), **kwargs)
    controller.start()
    return controller
