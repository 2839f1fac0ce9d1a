"""An alert email: the templates in `templates/` filled in, plain text + HTML + the chart.

The HTML template autoescapes everything it is given, so activity and shoe names, pain
notes, or an athlete called `<b>`, arrive as text. Headers carry the athlete and factor
ids, so mail rules can sort on them. Pain reported in the chart's weeks gets a section of
its own, each entry next to the load before it, and red marks on the chart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from functools import cache

import duckdb
import jinja2

from gaitload import sqlfiles
from gaitload.config import Settings
from gaitload.errors import ConfigError
from gaitload.notify.chart import WEEKS, weekly_chart
from gaitload.pain.context import LOOKBACK_DAYS, place_label
from gaitload.rules.catalogue import catalogue
from gaitload.rules.messages import number

SQL = "gaitload.notify.sql"


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
    name = _header_text(athlete)
    to = address if "<" in address else formataddr((name, address))
    return Recipients(to=to, cc=athlete_settings.coach)


def compose(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    message_id: str,
    athlete: str,
    as_of: date,
    to: Recipients,
) -> EmailMessage | None:
    """The message for a queued Message-ID, or None when all its episodes were withdrawn."""
    alerts = _alerts(con, message_id)
    if not alerts:
        return None
    weeks = _weeks(con, athlete, as_of)
    marked = {_monday(a["severity_since"]) for a in alerts}
    pain = _pain(con, athlete, weeks[0][0], as_of)
    pain_days = pain_marks(pain)
    cid = make_msgid(domain=parseaddr(settings.mail.mail_from)[1].rpartition("@")[2] or "gaitload")
    email = catalogue().email
    context = {
        "athlete": athlete,
        "as_of": as_of,
        "alerts": alerts,
        "advice": _advice(alerts),
        "weeks": [(week, km, week in marked) for week, km in weeks],
        "pain": pain,
        "pain_by_week": {
            week: [(day, score) for day, score in pain_days.items() if _monday(day) == week]
            for week, _ in weeks
        },
        "lookback_weeks": LOOKBACK_DAYS // 7,
        "chart_cid": cid[1:-1],
        "professional_intro": email["professional_intro"],
        "professional": email["professional"],
        "not_a_diagnosis": email["not_a_diagnosis"],
    }
    subject = _header_text(_render("subject.txt.j2", context))
    context["subject"] = subject

    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.mail.mail_from
    message["To"] = to.to
    if to.cc:
        message["Cc"] = to.cc
    message["Date"] = format_datetime(datetime.now().astimezone())
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message["X-Gaitload-Athlete"] = _header_text(athlete)
    message["X-Gaitload-As-Of"] = as_of.isoformat()
    message["X-Gaitload-Factors"] = ", ".join(a["factor"] for a in alerts)
    message["X-Gaitload-Severity"] = alerts[0]["severity"]
    message.set_content(_render("alert.txt.j2", context))
    message.add_alternative(_render("alert.html.j2", context), subtype="html")
    png = weekly_chart(weeks, marked, as_of, pain=pain_days)
    message.get_payload()[1].add_related(
        png, "image", "png", cid=cid, disposition="inline", filename="running-per-week.png"
    )
    return message


def _alerts(con: duckdb.DuckDBPyConnection, message_id: str) -> list[dict]:
    cursor = con.execute(sqlfiles.load(SQL, "message_alerts.sql"), {"message_id": message_id})
    columns = [d[0] for d in cursor.description]
    rules = catalogue().rules
    alerts = []
    for row in cursor.fetchall():
        a = dict(zip(columns, row, strict=True))
        a["date"] = a.pop("opened_on")
        a["escalated"] = a["severity"] != a["opened_severity"]
        a["risk"] = rules[a["factor"]].risk
        a["record"] = catalogue().record_line(a["factor"])
        alerts.append(a)
    return alerts


def _weeks(con: duckdb.DuckDBPyConnection, athlete: str, as_of: date) -> list[tuple[date, float]]:
    first = _monday(as_of) - timedelta(weeks=WEEKS - 1)
    rows = dict(
        con.execute(
            sqlfiles.load(SQL, "weekly_km.sql"),
            {"athlete": athlete, "first_week": first, "as_of": as_of},
        ).fetchall()
    )
    mondays = [first + timedelta(weeks=i) for i in range(WEEKS)]
    return [(m, float(rows.get(m, 0.0))) for m in mondays]


def _pain(con: duckdb.DuckDBPyConnection, athlete: str, first_day: date, as_of: date) -> list[dict]:
    """The pain entries in the chart's weeks, each with the load before it, oldest first."""
    cursor = con.execute(
        sqlfiles.load(SQL, "pain_entries.sql"),
        {
            "athlete": athlete,
            "first_day": first_day,
            "as_of": as_of,
        },
    )
    columns = [d[0] for d in cursor.description]
    entries = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    for e in entries:
        e["place"] = place_label(e["place"], e["bone"])
    return entries


def pain_marks(pain: list[dict]) -> dict[date, int]:
    """The days pain was reported and the day's worst score: what the chart marks."""
    days: dict[date, int] = {}
    for e in pain:
        days[e["date"]] = max(e["score"], days.get(e["date"], 0))
    return dict(sorted(days.items()))


def _advice(alerts: list[dict]) -> list[str]:
    """The article's advice for these alerts, each item once, in the order first named."""
    cat = catalogue()
    keys = dict.fromkeys(k for a in alerts for k in cat.rules[a["factor"]].advice)
    return [cat.advice[k] for k in keys]


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _header_text(text: str) -> str:
    """No line breaks or control characters in a header (user-supplied names end up there)."""
    return re.sub(r"[\x00-\x1f\x7f]+", " ", text).strip()


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("gaitload.notify", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["n"] = number
    return env


def _render(name: str, context: dict) -> str:
    return _environment().get_template(name).render(**context)
