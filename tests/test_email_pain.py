"""Pain in the alert email: each entry of the chart's weeks next to the load before it.

Anna's history (tests/histories.py), emailed as of Friday 20 Feb 2026 through the real SMTP
server. Her weeks are 36 km (Tue 8, Thu 8, Sat 14, Sun 6) from Monday 5 Jan; the week of
9 Feb has a 16 km long run on Sat 14 Feb (38 km); on Wed 18 Feb she runs 33 km. Two load
alerts opened on Sat 14 Feb: long_run_spike (warn; high from Wed 18 Feb) and shoe_change
(warn). The chart covers 12 weeks: Monday 1 Dec 2025 to the day emailed.
"""

from __future__ import annotations

import io
import shutil
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from markupsafe import escape
from PIL import Image

from gaitload.config import load_settings
from gaitload.errors import MailDeliveryError
from gaitload.notify import send_alerts
from gaitload.notify.chart import pain_x
from gaitload.notify.compose import pain_marks
from gaitload.pain import add_pain
from gaitload.store.reading import reading
from tests.histories import ANNA_CONFIG
from tests.test_email import AS_OF, settings_for

NOTE = '<script>alert(1)</script> sore & "stiff"'
SPIKE = "A run much longer than any in the last 30 days"
SHOE = "Sudden change of shoe"

ENTRIES = [  # day, where, side, score, bone, note
    (date(2025, 11, 30), "heel", "left", 5, False, None),  # the day before the chart's weeks
    (date(2025, 12, 1), "general", "left", 2, False, None),  # their first day: no runs yet
    (date(2026, 2, 13), "arch", "right", 2, False, None),  # the day before the alerts
    (date(2026, 2, 16), "top", "right", 3, True, None),
    (date(2026, 2, 19), "heel", "left", 4, False, NOTE),
    (date(2026, 2, 21), "heel", "left", 6, False, None),  # after the day emailed
]

# Hand-computed from the plan ("7 days" is the day and the six before):
# 13 Feb: 7-13 Feb = Sat 14 + Sun 6 + Tue 8 + Thu 8 = 36, and 31 Jan-6 Feb the same 36;
# 16 Feb: 10-16 Feb = 8 + 8 + 16 + 6 = 38 against 3-9 Feb's 36 (+5.6 %), the spike at warn;
# 19 Feb: 13-19 Feb = 16 + 6 + 33 = 55 against 6-12 Feb's 36 (+52.8 %), the spike at high.
EXPECTED_TEXT = f"""PAIN YOU REPORTED (each day next to the running before it)

 - 2025-12-01: left foot (general), 2/10
   Running: none recorded up to that day.
   Load alerts open in the 3 weeks before: none

 - 2026-02-13: right arch, 2/10
   Running: 36 km in the 7 days up to that day, 36 km in the 7 days before (+0 %).
   Load alerts open in the 3 weeks before: none

 - 2026-02-16: right top of the foot (bone), 3/10
   Running: 38 km in the 7 days up to that day, 36 km in the 7 days before (+6 %).
   Load alerts open in the 3 weeks before:
     * {SPIKE} (warn, opened 2026-02-14)
     * {SHOE} (warn, opened 2026-02-14)

 - 2026-02-19: left heel, 4/10 ("{NOTE}")
   Running: 55 km in the 7 days up to that day, 36 km in the 7 days before (+53 %).
   Load alerts open in the 3 weeks before:
     * {SPIKE} (high, opened 2026-02-14)
     * {SHOE} (warn, opened 2026-02-14)

WHAT TO DO"""


def record_pain(env: dict, athlete: str = "anna") -> None:
    settings = load_settings(env=env)
    for day, where, side, score, bone, note in ENTRIES:
        add_pain(
            settings,
            athlete=athlete,
            day=day,
            where=where,
            side=side,
            score=score,
            bone=bone,
            note=note,
        )


@pytest.fixture
def pained_env(anna_template: Path, tmp_path: Path) -> dict[str, str]:
    """A copy of Anna's database and config of its own, with the pain entries recorded."""
    folder = tmp_path / "pained"
    folder.mkdir()
    shutil.copy(anna_template, folder / "gaitload.duckdb")
    (folder / "gaitload.toml").write_text(ANNA_CONFIG)
    env = {
        "GAITLOAD_DB": str(folder / "gaitload.duckdb"),
        "GAITLOAD_CONFIG": str(folder / "gaitload.toml"),
        "GAITLOAD_DATA_DIR": str(folder),
    }
    record_pain(env)
    return env


def emailed(env: dict, smtp) -> tuple[str, str, bytes]:
    """The one email of a `--send` as of AS_OF: its text, its HTML and its chart."""
    recorder, port = smtp
    send_alerts(settings_for(env, port), as_of=AS_OF)
    (message,) = recorder.messages()
    recorder.received.clear()
    return parts(message)


def parts(message: EmailMessage) -> tuple[str, str, bytes]:
    # lines end in CRLF on the wire
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(("html",)).get_content().replace("\r\n", "\n")
    (image,) = [p for p in message.walk() if p.get_content_type() == "image/png"]
    return text, html, image.get_content()


def test_pain_in_the_charts_weeks_is_listed_with_the_load_before_it(pained_env, smtp):
    text, html, _ = emailed(pained_env, smtp)

    section = text[text.index("PAIN YOU REPORTED") : text.index("WHAT TO DO") + len("WHAT TO DO")]
    assert section == EXPECTED_TEXT
    assert "2025-11-30" not in text and "2026-02-21" not in text  # outside the chart's weeks
    # the week table marks the pain days too
    assert "2026-02-16   33.0  <- alert  pain Mon 3/10  pain Thu 4/10" in text
    assert "2026-02-09   38.0  <- alert  pain Fri 2/10" in text
    assert "2025-12-01    0.0  pain Mon 2/10" in text

    assert "<h3" in html and ">Pain you reported</h3>" in html
    body = html[html.index(">Pain you reported<") : html.index('<img src="cid:')]

    def alert(title: str, severity: str) -> str:
        return f"<li>{title} ({severity}, opened 2026-02-14)</li>"

    for entry in [
        [
            "<strong>2025-12-01: left foot (general), 2/10</strong></p>",
            "Running: none recorded up to that day.",
            "Load alerts open in the 3 weeks before: none",
        ],
        [
            "<strong>2026-02-13: right arch, 2/10</strong></p>",
            "Running: 36 km in the 7 days up to that day, 36 km in the 7 days before (+0 %).",
            "Load alerts open in the 3 weeks before: none",
        ],
        [
            "<strong>2026-02-16: right top of the foot (bone), 3/10</strong></p>",
            "Running: 38 km in the 7 days up to that day, 36 km in the 7 days before (+6 %).",
            alert(SPIKE, "warn"),
            alert(SHOE, "warn"),
        ],
        [
            f"<strong>2026-02-19: left heel, 4/10</strong> (&ldquo;{escape(NOTE)}&rdquo;)</p>",
            "Running: 55 km in the 7 days up to that day, 36 km in the 7 days before (+53 %).",
            alert(SPIKE, "high"),
            alert(SHOE, "warn"),
        ],
    ]:
        block = body[body.index(entry[0]) : body.index("</div>", body.index(entry[0]))]
        for fragment in entry[1:]:
            assert fragment in block, (entry[0], fragment)
    assert "<script>" not in html
    assert body.count("border-left: 4px solid #c92a2a") == 4  # one block per entry listed


def test_no_pain_no_section_and_anothers_pain_stays_theirs(anna_env, smtp):
    config = Path(anna_env["GAITLOAD_CONFIG"])
    config.write_text(
        config.read_text() + '\n[athletes.bea]\ntimezone = "UTC"\nemail = "bea@example.org"\n'
    )
    record_pain(anna_env, athlete="bea")  # bea has no runs, but her pain is an alert of hers
    recorder, port = smtp
    send_alerts(settings_for(anna_env, port), as_of=AS_OF)
    by_recipient = {m["To"].addresses[0].addr_spec: m for m in recorder.messages()}
    recorder.received.clear()
    assert "PAIN YOU REPORTED" in parts(by_recipient["bea@example.org"])[0]
    text, html, _ = parts(by_recipient["anna@example.org"])
    assert "PAIN" not in text and "pain Mon" not in text
    assert "Pain you reported" not in html and "red lines" not in html
    assert "pain that lasts more than a week" in text  # the professional list is still there


def test_the_chart_marks_the_pain_days(anna_env, pained_env, smtp):
    without = emailed(anna_env, smtp)[2]
    with_pain = emailed(pained_env, smtp)[2]
    assert with_pain != without
    assert Image.open(io.BytesIO(with_pain)).size == (640, 240)


@pytest.mark.parametrize(
    ("day", "x"),
    [
        (date(2025, 12, 1), -0.5 + 0.5 / 7),  # Monday of the first week: the left of bar 0
        (date(2026, 2, 16), 11 - 0.5 + 0.5 / 7),
        (date(2026, 2, 19), 11.0),  # Thursday: the middle of the last bar
        (date(2025, 11, 30), None),  # before the chart
        (date(2026, 2, 23), None),  # after it
    ],
)
def test_where_a_pain_day_falls_on_the_chart(day, x):
    weeks = [(date(2025, 12, 1) + timedelta(weeks=i), 30.0) for i in range(12)]
    assert pain_x(weeks, day) == (pytest.approx(x) if x is not None else None)


def test_the_chart_marks_a_days_worst_score():
    pain = [
        {"date": date(2026, 2, 19), "score": 1},
        {"date": date(2026, 2, 16), "score": 3},
        {"date": date(2026, 2, 19), "score": 4},
    ]
    assert pain_marks(pain) == {date(2026, 2, 16): 3, date(2026, 2, 19): 4}


def test_an_athlete_without_an_address_waits_and_the_others_are_sent(anna_env, smtp):
    config = Path(anna_env["GAITLOAD_CONFIG"])
    config.write_text(config.read_text() + '\n[athletes.bea]\ntimezone = "UTC"\n')
    record_pain(anna_env, athlete="bea")  # her pain is an alert, but she has no address
    recorder, port = smtp
    with pytest.raises(MailDeliveryError, match="1 alert email"):
        send_alerts(settings_for(anna_env, port), as_of=AS_OF)
    assert [m["To"].addresses[0].addr_spec for m in recorder.messages()] == ["anna@example.org"]
    recorder.received.clear()
    settings = load_settings(env=anna_env)
    with reading(settings.db_path) as r:
        ((delivery, error),) = r.con.execute(
            "SELECT DISTINCT delivery, delivery_error FROM alerts WHERE athlete = 'bea' "
            "AND delivery <> 'past'"
        ).fetchall()
    assert delivery == "pending" and "no email address for athlete 'bea'" in error
    # the address added, the next send delivers what waited, and anna's is not sent again
    config.write_text(config.read_text() + 'email = "bea@example.org"\n')
    send_alerts(settings_for(anna_env, port), as_of=AS_OF)
    assert [m["To"].addresses[0].addr_spec for m in recorder.messages()] == ["bea@example.org"]
