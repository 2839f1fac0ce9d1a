"""A notification: the templates in `templates/` filled in, plain text + HTML + the chart.

Composed once per message, whatever the channels. The HTML template autoescapes everything
it is given, so activity and shoe names, pain notes, or an athlete called `<b>`, arrive as
text. Pain reported in the chart's weeks gets a section of its own, each entry next to the
load before it, and red marks on the chart.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from functools import cache

import duckdb
import jinja2

from gaitload import sqlfiles
from gaitload.notify.chart import WEEKS, weekly_chart
from gaitload.notify.notification import Evidence, Notification, one_line
from gaitload.pain.context import LOOKBACK_DAYS, place_label
from gaitload.read import query
from gaitload.rules.catalogue import SEVERITIES, catalogue
from gaitload.rules.messages import number

SQL = "gaitload.notify.sql"


def compose(
    con: duckdb.DuckDBPyConnection, *, athlete: str, as_of: date, alerts: list[dict]
) -> Notification:
    """The notification about `alerts` (from `message_alerts`, not empty) as of a day."""
    weeks = _weeks(con, athlete, as_of)
    marked = {_monday(a["severity_since"]) for a in alerts}
    pain = _pain(con, athlete, weeks[0][0], as_of)
    pain_days = pain_marks(pain)
    chart_id = f"{uuid.uuid4().hex}@gaitload"
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
        "chart_cid": chart_id,
        "professional_intro": email["professional_intro"],
        "professional": email["professional"],
        "not_a_diagnosis": email["not_a_diagnosis"],
    }
    title = one_line(_render("subject.txt.j2", context))
    context["subject"] = title
    return Notification(
        athlete=athlete,
        as_of=as_of,
        title=title,
        severity=alerts[0]["severity"],
        text=_render("alert.txt.j2", context),
        html=_render("alert.html.j2", context),
        chart=weekly_chart(weeks, marked, as_of, pain=pain_days),
        chart_id=chart_id,
        evidence=tuple(
            Evidence(
                episode_id=a["episode_id"],
                factor=a["factor"],
                title=a["title"],
                severity=a["severity"],
                message=a["message"],
                numbers=json.loads(a["evidence"]),
            )
            for a in alerts
        ),
    )


def message_alerts(con: duckdb.DuckDBPyConnection, message_id: str) -> list[dict]:
    """The live episodes a queued message is about, most severe first (none: all withdrawn)."""
    sql = sqlfiles.load(SQL, "message_alerts.sql")
    rules = catalogue().rules
    alerts = []
    for a in query.rows(con, sql, message_id=message_id, severities=list(SEVERITIES)):
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
    sql = sqlfiles.load(SQL, "pain_entries.sql")
    entries = query.rows(con, sql, athlete=athlete, first_day=first_day, as_of=as_of)
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
