"""Evaluate every rule over an athlete's whole history, as of a day, into episodes.

Each rule is one SQL file over the metric views; its findings (one row per day the pattern
is there) go to a temporary table that later rules may read, and `episodes.sql` joins
consecutive findings into episodes. Nothing here writes to the database file: `state.record`
does, so an evaluation "as of" a past day can be looked at without changing anything.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import duckdb

from gaitload import sqlfiles
from gaitload.read import query
from gaitload.rules.catalogue import SEVERITIES, catalogue, thresholds_for
from gaitload.rules.messages import render_message

if TYPE_CHECKING:  # annotations only: the config reads the rule catalogue
    from gaitload.config import Settings

SQL = "gaitload.rules.sql"
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


@dataclass(frozen=True)
class Episode:
    """One episode of one rule, as of `as_of`."""

    athlete: str
    factor: str
    subject: str
    """What it is about beyond the athlete: a shoe's gear_id for the shoe rules, else ''."""
    opened_on: date
    opened_severity: str
    severity: str
    severity_since: date
    last_seen: date
    resolved_on: date | None
    evidence: dict
    thresholds: dict[str, float]
    message: str
    as_of: date

    @property
    def status(self) -> str:
        return "open" if self.resolved_on is None else "resolved"


@dataclass(frozen=True)
class Evaluation:
    as_of: dict[str, date]
    """The athletes evaluated, each with the day evaluated as "today"."""
    episodes: list[Episode]


def evaluate(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    as_of: date | None = None,
    athlete: str | None = None,
) -> Evaluation:
    """Every episode of every rule for one athlete (or all), evaluated as if `as_of` were today.

    Without `as_of`, "today" is each athlete's own local date.
    """
    days: dict[str, date] = {}
    episodes: list[Episode] = []
    for name, timezone in _athletes(con, athlete):
        days[name] = as_of or datetime.now(ZoneInfo(timezone)).date()
        episodes.extend(_evaluate_athlete(con, settings, name, days[name]))
    return Evaluation(as_of=days, episodes=episodes)


def _athletes(con: duckdb.DuckDBPyConnection, athlete: str | None) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT athlete, timezone FROM athletes WHERE $athlete IS NULL OR athlete = $athlete "
        "ORDER BY athlete",
        {"athlete": athlete},
    ).fetchall()


def _evaluate_athlete(
    con: duckdb.DuckDBPyConnection, settings: Settings, athlete: str, as_of: date
) -> list[Episode]:
    rules = catalogue().rules
    thresholds = thresholds_for(settings.thresholds, settings.athlete(athlete).thresholds)
    for statement in sqlfiles.statements(SQL, "findings_table.sql"):
        con.execute(statement)
    for factor in rules:
        rule_sql = sqlfiles.load(SQL, f"{factor}.sql")
        sql = (
            "INSERT INTO rule_findings BY NAME "
            f"SELECT $factor AS factor, $clear_days AS clear_days, * FROM ({rule_sql})"
        )
        values = {
            "athlete": athlete,
            "as_of": as_of,
            "factor": factor,
            "bone_stress_patterns": list(catalogue().bone_stress_patterns),
            **thresholds[factor],
        }
        con.execute(sql, {k: v for k, v in values.items() if k in _PARAM.findall(sql)})
    episodes = []
    for values in query.rows(
        con, sqlfiles.load(SQL, "episodes.sql"), as_of=as_of, severities=list(SEVERITIES)
    ):
        evidence = json.loads(values.pop("evidence"))
        rule = rules[values["factor"]]
        episodes.append(
            Episode(
                **values,
                evidence=evidence,
                thresholds=thresholds[rule.factor],
                message=render_message(rule, evidence, thresholds[rule.factor]),
                as_of=as_of,
            )
        )
    con.execute("DROP TABLE rule_findings")
    return episodes
