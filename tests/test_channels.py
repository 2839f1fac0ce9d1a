"""The notification seam: a second channel beside email, each told once, the notification
composed once; and migration 0021 moving the messages of a database made before channels.

The second channel is a real one, kept small: it appends each notification as a JSON line
to a file (what a push or chat channel would post), and can be made to fail to connect.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, datetime
from email import message_from_bytes, policy
from importlib.resources import files
from pathlib import Path

import duckdb
import pytest

from gaitload import sqlfiles
from gaitload.config import load_settings
from gaitload.errors import ChannelLoginError, DeliveryError
from gaitload.notify import EmailChannel, outbox_files, send_alerts
from gaitload.notify import deliver as deliver_module
from gaitload.rules.catalogue import SEVERITIES, notified
from gaitload.store import db

AS_OF = date(2026, 2, 20)  # Anna: long_run_spike (high) and shoe_change (warn), both open


class JournalChannel:
    name = "journal"
    kind = "file"
    noun = "alert note"
    error = DeliveryError

    def __init__(self, path: Path, *, down: str | None = None) -> None:
        self.path = path
        self.where = str(path)
        self.down = down
        self.seen: list = []

    def new_message_id(self, athlete: str) -> str:
        return f"journal-{athlete}-{uuid.uuid4().hex}"

    def address(self, athlete: str) -> str:
        return f"{self.path}#{athlete}"

    def __enter__(self) -> JournalChannel:
        if self.down == "login":
            raise ChannelLoginError("the journal service refused the token")
        if self.down:
            raise DeliveryError(self.down)
        return self

    def __exit__(self, kind, exc, tb) -> None:
        return None

    def send(self, notification, *, message_id, address, handing_over) -> None:
        handing_over(str(self.path))
        line = {
            "id": message_id,
            "title": notification.title,
            "severity": notification.severity,
            "factors": list(notification.factors),
            "numbers": [e.numbers for e in notification.evidence],
        }
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")
        self.seen.append(notification)

    def settle(self, kind, receipt):
        return "unconfirmed", "stopped while appending"

    def lines(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines()]


def q(settings, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture
def anna(anna_env):
    return load_settings(env=anna_env)


def test_each_channel_is_told_once_from_one_composed_notification(anna, tmp_path, monkeypatch):
    composed = []
    compose = deliver_module.compose

    def counting(*args, **kwargs):
        composed.append(kwargs["alerts"])
        return compose(*args, **kwargs)

    monkeypatch.setattr(deliver_module, "compose", counting)
    journal = JournalChannel(tmp_path / "journal.jsonl")
    channels = [EmailChannel(anna), journal]

    report = send_alerts(anna, as_of=AS_OF, channels=channels)

    assert len(report.sent) == 2 and len(composed) == 1
    (email,) = outbox_files(anna)
    (line,) = journal.lines()
    assert journal.seen[0].title == line["title"]
    assert message_from_bytes(email.read_bytes(), policy=policy.default)["Subject"] == line["title"]
    assert line["factors"] == ["long_run_spike", "shoe_change"] and line["severity"] == "high"
    assert line["numbers"][0]["run_km"] == 33
    messages = dict(q(anna, "SELECT channel, message_id FROM core.alert_messages"))
    assert set(messages) == {"email", "journal"}
    assert re.fullmatch(r"<[0-9.]+\.gaitload\.anna@localhost>", messages["email"])  # a Message-ID
    assert messages["journal"] == line["id"]  # each channel makes its own ids
    per_channel = q(
        anna,
        "SELECT channel, count(*) FROM core.alert_notices GROUP BY channel ORDER BY channel",
    )
    assert per_channel == [("email", 2), ("journal", 2)]

    again = send_alerts(anna, as_of=AS_OF, channels=[EmailChannel(anna), journal])
    assert again.sent == [] and len(composed) == 1
    assert len(outbox_files(anna)) == 1 and len(journal.lines()) == 1


def test_a_channel_that_is_down_waits_without_the_other_sending_twice(anna, tmp_path):
    down = JournalChannel(tmp_path / "journal.jsonl", down="journal service unreachable")
    with pytest.raises(DeliveryError, match=r"^1 alert note\(s\) not delivered \(journal serv"):
        send_alerts(anna, as_of=AS_OF, channels=[EmailChannel(anna), down])
    assert len(outbox_files(anna)) == 1 and down.lines() == []
    deliveries = q(
        anna,
        "SELECT channel, delivery, delivery_attempts, delivery_error FROM alert_deliveries "
        "WHERE factor = 'long_run_spike' ORDER BY channel",
    )
    assert deliveries == [
        ("email", "sent", 1, None),
        ("journal", "pending", 1, "journal service unreachable"),
    ]
    # the episode's row shows the channel with furthest to go
    assert q(anna, "SELECT delivery, channel FROM alerts WHERE factor = 'long_run_spike'") == [
        ("pending", "journal")
    ]

    up = JournalChannel(tmp_path / "journal.jsonl")
    report = send_alerts(anna, as_of=AS_OF, channels=[EmailChannel(anna), up])
    assert report.sent == [("anna", f"{up.path}#anna")]
    assert len(outbox_files(anna)) == 1 and len(up.lines()) == 1
    assert q(anna, "SELECT DISTINCT delivery FROM alerts WHERE severity <> 'info'") == [("sent",)]


def test_a_refused_login_on_one_channel_lets_the_others_deliver_first(anna, tmp_path):
    refused = JournalChannel(tmp_path / "journal.jsonl", down="login")
    with pytest.raises(ChannelLoginError, match="refused the token"):
        send_alerts(anna, as_of=AS_OF, channels=[refused, EmailChannel(anna)])
    assert len(outbox_files(anna)) == 1
    assert q(anna, "SELECT channel, status, attempts FROM core.alert_messages ORDER BY 1") == [
        ("email", "sent", 1),
        ("journal", "pending", 1),
    ]


def test_only_the_catalogues_notified_severities_are_notified(anna):
    send_alerts(anna, as_of=AS_OF)
    rows = q(anna, "SELECT severity, delivery FROM alerts")
    assert {s for s, _ in rows} - {"info"}, "Anna's history has notified episodes"
    for severity, delivery in rows:
        assert (delivery == "none") == (severity not in notified()), (severity, delivery)


def test_no_sql_file_spells_the_severity_order_again():
    """The order is `catalogue.SEVERITIES`, handed to SQL as `$severities`."""
    root = files("gaitload")
    spelled = re.compile(r"WHEN\s+'(high|warn)'|\('(warn|high)',\s*\d\)", re.IGNORECASE)
    offenders = [
        str(path)
        for path in Path(str(root)).rglob("*.sql")
        if "migrations" not in path.parts and spelled.search(path.read_text())
    ]
    assert offenders == []
    assert SEVERITIES[-1] == "high" and notified() == SEVERITIES[SEVERITIES.index("warn") :]


# --- migration 0021 on a database made by the schema before channels -----------------------


def _schema_before_channels(path: Path) -> None:
    """Migrations 0001..0011 exactly as they are, recorded as applied, as main made them."""
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP DEFAULT now())"
    )
    for version, name in db.pending(set()):
        if version > 11:
            continue
        for statement in sqlfiles.statements(db.MIGRATIONS, name):
            con.execute(statement)
        con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
    con.close()


OLD_MESSAGES = [
    # message_id, as_of, status, transport, recipients, outbox_path, attempts, last_error, sent
    ("<m1@example.org>", date(2026, 2, 14), "sent", "smtp", "a <a@example.org>", None, 1, None, 1),
    ("<m2@example.org>", date(2026, 2, 18), "attempting", "outbox", "a@host", "FILE", 1, None, 0),
    ("<m3@example.org>", date(2026, 2, 19), "cancelled", None, None, None, 0, "withdrawn", 0),
    ("<m4@example.org>", date(2026, 2, 20), "pending", "smtp", None, None, 2, "451 later", 0),
]
OLD_NOTICES = [  # episode_id, severity, message_id
    (1, "warn", "<m1@example.org>"),
    (1, "high", "<m2@example.org>"),
    (2, "warn", None),  # recorded as past
    (3, "warn", "<m3@example.org>"),
    (3, "high", "<m4@example.org>"),
]


def test_migration_0021_moves_every_message_and_notice_to_the_email_channel(settings, tmp_path):
    path = settings.db_path
    _schema_before_channels(path)
    delivered = tmp_path / "outbox" / "2026-02-18-anna-0001.eml"
    delivered.parent.mkdir()
    delivered.write_text("Subject: already there\n")
    stamp = datetime(2026, 2, 20, 6, 0, 0)
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO core.athletes (name, timezone) VALUES ('anna', 'Europe/Oslo')")
    for episode_id, factor in [(1, "long_run_spike"), (2, "load_ramp"), (3, "acwr")]:
        con.execute(
            "INSERT INTO core.alert_episodes (episode_id, athlete_id, factor, opened_on, "
            "opened_severity, severity, severity_since, last_seen, status, title, message, "
            "evidence, thresholds, basis, evaluated_as_of) VALUES (?, 1, ?, DATE '2026-02-14', "
            "'warn', ?, DATE '2026-02-18', DATE '2026-02-18', 'open', 't', 'm', '{}', '{}', 'b', "
            "DATE '2026-02-20')",
            [episode_id, factor, "warn" if episode_id == 2 else "high"],
        )
    for mid, as_of, status, transport, to, outbox, attempts, error, sent in OLD_MESSAGES:
        con.execute(
            "INSERT INTO core.alert_messages (message_id, athlete_id, as_of, status, transport, "
            "recipients, outbox_path, attempts, last_error, created_at, attempted_at, sent_at) "
            "VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                mid, as_of, status, transport, to,
                str(delivered) if outbox == "FILE" else outbox,
                attempts, error, stamp, stamp if attempts else None, stamp if sent else None,
            ],
        )  # fmt: skip
    for episode_id, severity, mid in OLD_NOTICES:
        con.execute(
            "INSERT INTO core.alert_notices (episode_id, severity, message_id, decided_at) "
            "VALUES (?, ?, ?, ?)",
            [episode_id, severity, mid, datetime(2026, 2, 16 if severity == "warn" else 18, 6)],
        )
    old_messages = con.execute("SELECT * FROM core.alert_messages ORDER BY 1").fetchall()
    old_notices = con.execute("SELECT * FROM core.alert_notices ORDER BY 1, 2").fetchall()
    con.close()

    with db.opened(path) as con:
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] >= 21
        columns = [c for (c,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'core' "
            "AND table_name = 'alert_messages' ORDER BY ordinal_position").fetchall()]  # fmt: skip
        assert "outbox_path" not in columns and {"receipt", "channel"} <= set(columns)
        moved = con.execute(
            "SELECT message_id, athlete_id, as_of, status, transport, recipients, receipt, "
            "attempts, last_error, created_at, attempted_at, sent_at FROM core.alert_messages "
            "ORDER BY 1"
        ).fetchall()
        assert moved == old_messages  # every value, outbox_path now receipt
        assert con.execute("SELECT DISTINCT channel FROM core.alert_messages").fetchall() == [
            ("email",)
        ]
        notices = con.execute(
            "SELECT episode_id, severity, message_id, decided_at FROM core.alert_notices "
            "WHERE channel = 'email' ORDER BY 1, 2"
        ).fetchall()
        assert notices == old_notices and len(notices) == len(OLD_NOTICES)
        views = con.execute(
            "SELECT factor, delivery, message_id, delivery_attempts, delivery_error FROM alerts "
            "ORDER BY episode_id"
        ).fetchall()
        assert views == [
            ("long_run_spike", "attempting", "<m2@example.org>", 1, None),  # its high notice
            ("load_ramp", "past", None, None, None),
            ("acwr", "pending", "<m4@example.org>", 2, "451 later"),
        ]
        # the key now holds the channel: another channel may decide the same episode once
        con.execute("INSERT INTO core.alert_notices (episode_id, severity, channel) VALUES "
                    "(1, 'high', 'journal')")  # fmt: skip
        with pytest.raises(duckdb.ConstraintException):
            con.execute("INSERT INTO core.alert_notices (episode_id, severity, channel) VALUES "
                        "(1, 'high', 'email')")  # fmt: skip

    # the moved attempt is settled by the email channel from its receipt, not sent again
    report = send_alerts(settings, as_of=date(2026, 2, 20))
    assert report.recovered == 1 and report.sent == []
    assert q(settings, "SELECT status FROM core.alert_messages WHERE message_id = ?",
             ["<m2@example.org>"]) == [("sent",)]  # fmt: skip
    assert delivered.read_text() == "Subject: already there\n"


def test_every_column_of_the_alert_deliveries_view_is_documented(tmp_path):
    with db.opened(tmp_path / "empty.duckdb") as con:
        columns = [r[0] for r in con.execute("DESCRIBE alert_deliveries").fetchall()]
    docs = Path(__file__).resolve().parents[1] / "docs" / "schema.md"
    section = docs.read_text().split("### `alert_deliveries`", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `([a-z_]+)` \|", section, re.MULTILINE)
    assert documented == columns
