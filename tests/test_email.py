"""Alert emails through a real SMTP server on 127.0.0.1 (aiosmtpd), and what goes wrong.

Anna's history (tests/histories.py) as of Friday 20 Feb 2026: a long_run_spike episode at
high (33 km after 16) and a shoe_change (a new shoe with a hostile name), both open.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest
import trustme
from click.testing import CliRunner
from PIL import Image

from gaitload.cli import cli
from gaitload.config import SmtpSettings, load_settings
from gaitload.errors import ConfigError, MailDeliveryError, MailLoginError
from gaitload.notify import OutboxTransport, outbox_files, send_alerts
from tests import smtp_server
from tests.histories import HOSTILE_RUN_NAME, HOSTILE_SHOE
from tests.smtp_server import PASSWORD, USER, Recorder

AS_OF = date(2026, 2, 20)
SRC = Path(__file__).resolve().parents[1] / "src"


def settings_for(env: dict, port: int, **smtp) -> object:
    base = load_settings(env=env)
    values = {"host": "127.0.0.1", "port": port, "security": "none", "timeout_s": 5.0, **smtp}
    return replace(base, mail=replace(base.mail, smtp=SmtpSettings(**values)))


def q(env: dict, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(env["GAITLOAD_DB"], read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def message_state(env: dict) -> tuple:
    ((row),) = q(env, "SELECT status, attempts, last_error FROM core.alert_messages")
    return row


def test_the_email_arrives_with_both_parts_the_chart_and_its_headers(anna_env, smtp):
    recorder, port = smtp
    report = send_alerts(settings_for(anna_env, port), as_of=AS_OF)
    assert report.sent == [("anna", "anna <anna@example.org>, coach@example.org")]
    (envelope,) = recorder.received
    assert envelope.mail_from == "gaitload@localhost"
    assert envelope.rcpt_tos == ["anna@example.org", "coach@example.org"]
    (message,) = recorder.messages()
    ((message_id,),) = q(anna_env, "SELECT message_id FROM core.alert_messages")
    assert message["Message-ID"] == message_id
    assert message["To"] == "anna <anna@example.org>"
    assert message["Cc"] == "coach@example.org"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Date"]
    assert message["Subject"] == (
        "[gaitload] anna: A run much longer than any in the last 30 days (high) and 1 more"
    )
    assert message["X-Gaitload-Factors"] == "long_run_spike, shoe_change"
    assert message["X-Gaitload-Severity"] == "high"
    assert [p.get_content_type() for p in message.walk()] == [
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/png",
    ]

    text = message.get_body(("plain",)).get_content()
    for expected in (
        "33 km, 106 % longer than your longest run of the 30 days before (16 km)",
        "2.28 above 100 %",  # the basis: Frandsen 2025's hazard ratio
        "Reduce your running volume or intensity for a while.",
        "pain that lasts more than a week despite rest",
        "numbness or tingling",
        "This is not a diagnosis.",
        "2026-02-16   33.0  <- alert",  # the week of the escalation, in the text's table
    ):
        assert expected in text

    html = message.get_body(("html",)).get_content()
    (image,) = [p for p in message.walk() if p.get_content_type() == "image/png"]
    assert f'src="cid:{image["Content-ID"][1:-1]}"' in html
    assert image.get_content_disposition() == "inline"
    png = image.get_content()
    assert Image.open(io.BytesIO(png)).size == (640, 240)
    assert "This is not a diagnosis." in html
    assert q(anna_env, "SELECT DISTINCT delivery FROM alerts WHERE severity <> 'info'") == [
        ("sent",)
    ]


def test_user_supplied_names_are_escaped_in_the_html(anna_env, smtp):
    recorder, port = smtp
    send_alerts(settings_for(anna_env, port), as_of=AS_OF)
    (message,) = recorder.messages()
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "&lt;b&gt;Fast &amp; &#34;Light&#34;&lt;/b&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>Fast" not in html and "<img src=x" not in html
    assert HOSTILE_SHOE in text and HOSTILE_RUN_NAME in text  # plain text is plain


def test_nothing_is_sent_twice(anna_env, smtp):
    recorder, port = smtp
    settings = settings_for(anna_env, port)
    send_alerts(settings, as_of=AS_OF)
    again = send_alerts(settings, as_of=AS_OF)
    assert again.sent == [] and len(recorder.received) == 1


@pytest.fixture
def silent_port():
    """A server that accepts the connection and never says a word."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        yield listener.getsockname()[1]


@pytest.fixture
def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return port


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        ("down", "Connection refused"),
        ("timeout", "timed out"),
        ("rcpt refused", "550 5.1.1 mailbox unavailable"),
        ("data refused", "451 4.3.0 try again later"),
    ],
)
def test_a_failed_send_stays_pending_and_the_next_run_delivers_it_once(
    anna_env, smtp, silent_port, closed_port, failure, error
):
    recorder, port = smtp
    bad_port = {"down": closed_port, "timeout": silent_port}.get(failure, port)
    if failure == "rcpt refused":
        recorder.refuse["RCPT"] = "550 5.1.1 mailbox unavailable"
    if failure == "data refused":
        recorder.refuse["DATA"] = "451 4.3.0 try again later"
    with pytest.raises(MailDeliveryError, match="stay pending"):
        send_alerts(settings_for(anna_env, bad_port, timeout_s=0.5), as_of=AS_OF)
    status, attempts, last_error = message_state(anna_env)
    assert (status, attempts) == ("pending", 1)
    assert error in last_error
    assert recorder.received == []
    assert q(anna_env, "SELECT DISTINCT delivery_error FROM alerts WHERE delivery = 'pending'")

    recorder.refuse.clear()
    report = send_alerts(settings_for(anna_env, port), as_of=AS_OF)
    assert len(report.sent) == 1 and len(recorder.received) == 1
    assert message_state(anna_env) == ("sent", 2, None)
    send_alerts(settings_for(anna_env, port), as_of=AS_OF)
    assert len(recorder.received) == 1


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    """A private certificate authority and the server's certificate for 127.0.0.1."""
    import ssl

    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    ca_file = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return server_context, ca_file


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_with_login(anna_env, tls, security):
    server_context, ca_file = tls
    recorder = Recorder()
    controller = smtp_server.start(recorder, security=security, tls=server_context)
    try:
        settings = settings_for(
            anna_env,
            controller.port,
            security=security,
            user=USER,
            password=PASSWORD,
            ca_file=ca_file,
        )
        wrong = replace(
            settings,
            mail=replace(settings.mail, smtp=replace(settings.mail.smtp, password="wrong")),
        )
        with pytest.raises(MailLoginError, match=r"refused the login for alerts@example\.org"):
            send_alerts(wrong, as_of=AS_OF)
        assert message_state(anna_env)[:2] == ("pending", 1)
        assert send_alerts(settings, as_of=AS_OF).sent
    finally:
        controller.stop()
    assert recorder.logins == [USER]
    assert len(recorder.received) == 1


def test_a_plain_relay_is_refused_over_starttls_with_advice(anna_env, smtp):
    _, port = smtp
    with pytest.raises(ConfigError, match="does not offer STARTTLS: for a local relay"):
        send_alerts(settings_for(anna_env, port, security="starttls"), as_of=AS_OF)


def run_cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    """`python -m gaitload ...` in its own process, as the nightly job runs it."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GAITLOAD_")}
    return subprocess.run(
        [sys.executable, "-m", "gaitload", *args],
        env={**clean, **env, "PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def smtp_env(env: dict, port: int) -> dict:
    return {
        **env,
        "GAITLOAD_SMTP_HOST": "127.0.0.1",
        "GAITLOAD_SMTP_PORT": str(port),
        "GAITLOAD_SMTP_SECURITY": "none",
    }


def start_killable(env: dict, recorder: Recorder, step: str) -> subprocess.Popen:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GAITLOAD_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "gaitload", "alerts", "--send", "--as-of", str(AS_OF)],
        env={**clean, **env, "PYTHONPATH": str(SRC)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    recorder.kill = (step, process.pid)
    return process


def test_a_crash_after_handing_over_is_not_sent_again(anna_env, smtp):
    """Killed while waiting for the server's answer to DATA: the server has the message,
    the database says 'attempting'. The next run must not send it again."""
    recorder, port = smtp
    env = smtp_env(anna_env, port)
    process = start_killable(env, recorder, "DATA")
    assert process.wait(timeout=120) == -9
    assert len(recorder.received) == 1
    assert message_state(anna_env)[0] == "attempting"

    result = CliRunner().invoke(cli, ["alerts", "--send", "--as-of", str(AS_OF)], env=env)
    assert result.exit_code == 0, result.output
    assert "may not have reached the SMTP server" in result.output
    assert len(recorder.received) == 1  # not twice
    assert message_state(anna_env)[0] == "unconfirmed"
    assert q(anna_env, "SELECT DISTINCT delivery FROM alerts WHERE severity = 'high'") == [
        ("unconfirmed",)
    ]


def test_a_crash_before_handing_over_is_sent_by_the_next_run(anna_env, smtp):
    """Killed while the server was still accepting recipients: nothing was sent."""
    recorder, port = smtp
    env = smtp_env(anna_env, port)
    process = start_killable(env, recorder, "RCPT")
    assert process.wait(timeout=120) == -9
    assert recorder.received == []
    assert message_state(anna_env)[0] == "pending"
    result = run_cli(env, "alerts", "--send", "--as-of", str(AS_OF))
    assert result.returncode == 0, result.stderr
    assert len(recorder.received) == 1
    assert message_state(anna_env)[0] == "sent"


def test_the_cli_says_what_failed_in_one_line(anna_env, closed_port):
    result = run_cli(smtp_env(anna_env, closed_port), "alerts", "--send", "--as-of", str(AS_OF))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: 1 alert email(s) not delivered (SMTP 127.0.0.1:{closed_port}: Connection "
        "refused); they stay pending and the next `gaitload alerts --send` retries them"
    ]
    assert "Traceback" not in result.stderr


class CrashingOutbox(OutboxTransport):
    """The outbox, stopped dead (as by a kill) just before or just after the rename."""

    def __init__(self, folder: Path, when: str) -> None:
        super().__init__(folder)
        self.when = when

    def send(self, message, handing_over):
        def then_stop(path):
            handing_over(path)
            if self.when == "before the rename":
                raise KeyboardInterrupt

        super().send(message, then_stop)
        raise KeyboardInterrupt


@pytest.mark.parametrize("when", ["before the rename", "after the rename"])
def test_an_interrupted_outbox_write_is_resolved_by_the_next_run(anna_env, when):
    settings = load_settings(env=anna_env)
    with pytest.raises(KeyboardInterrupt):
        send_alerts(settings, as_of=AS_OF, transport=CrashingOutbox(settings.outbox_dir, when))
    assert message_state(anna_env)[0] == "attempting"
    written = outbox_files(settings)
    assert len(written) == (1 if when == "after the rename" else 0)

    report = send_alerts(settings, as_of=AS_OF)
    assert message_state(anna_env)[0] == "sent"
    assert len(outbox_files(settings)) == 1
    assert (report.recovered, len(report.sent)) == ((1, 0) if written else (0, 1))
    if written:  # the file from before the stop is the one kept, not written again
        assert outbox_files(settings) == written


def test_the_password_stays_out_of_the_database_and_the_output(anna_env, tls):
    server_context, ca_file = tls
    recorder = Recorder()
    controller = smtp_server.start(recorder, security="ssl", tls=server_context)
    try:
        settings = settings_for(
            anna_env,
            controller.port,
            security="ssl",
            user=USER,
            password=PASSWORD,
            ca_file=ca_file,
        )
        send_alerts(settings, as_of=AS_OF)
    finally:
        controller.stop()
    assert recorder.logins == [USER]
    assert PASSWORD not in repr(settings)
    with duckdb.connect(anna_env["GAITLOAD_DB"], read_only=True) as con:
        tables = con.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE'"
        ).fetchall()
        for (table,) in tables:
            dump = con.execute(f"SELECT * FROM {table}").fetchall()
            assert PASSWORD not in repr(dump), table
    assert PASSWORD.encode() not in Path(anna_env["GAITLOAD_DB"]).read_bytes()
