"""The rule catalogue: `catalogue.toml` read once, and thresholds merged per athlete.

The rules are data so that their thresholds, basis and wording can be read (and changed) in
one place; the SQL that evaluates a rule lives in `sql/<factor>.sql`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from gaitload.errors import ConfigError

SEVERITIES = ("info", "warn", "high")
"""In rising order: the one definition. SQL that compares severities is given this list as
`$severities` (`list_position($severities, severity)` is the level)."""
NOTIFY_FROM = "warn"
"""The lowest severity that is notified (`info` is only recorded)."""


@dataclass(frozen=True)
class Threshold:
    value: float
    doc: str


@dataclass(frozen=True)
class Rule:
    factor: str
    title: str
    risk: str
    basis_kind: str
    """`study` (a study backs the threshold) or `article` (the article's advice only)."""
    basis: str
    advice: tuple[str, ...]
    """Keys of the catalogue's [advice] table."""
    message: str
    """A Jinja template over the evidence and `t`, the thresholds."""
    thresholds: Mapping[str, Threshold]
    group: str = "load"
    """`load` (a factor of the risk-factors brief) or `pain` (reads the pain journal)."""
    record: Mapping[str, object] | None = None
    """Its measured record against real injuries (the catalogue's [record]; docs/backtest.md)."""

    def defaults(self) -> dict[str, float]:
        return {name: t.value for name, t in self.thresholds.items()}


@dataclass(frozen=True)
class Catalogue:
    rules: Mapping[str, Rule]
    """By factor id, in evaluation order."""
    advice: Mapping[str, str]
    email: Mapping[str, object]
    record: Mapping[str, str]
    """The data the rules' records were measured on: its citation and population."""
    bone_stress_patterns: tuple[str, ...] = ()
    """The load patterns bone_stress_pattern counts and bone_stress_pain looks back at."""

    def record_line(self, factor: str) -> str | None:
        """A rule's measured record in one sentence, with the data's citation."""
        record = self.rules[factor].record
        if record is None:
            return None
        cite = self.record["citation"]
        if "note" in record:
            return f"{record['note']} ({cite})."
        ci = f"95 % CI {record['rr_low']:.1f}-{record['rr_high']:.1f}"
        return (
            f"Measured on real injuries: open before {record['preceded_21d_pct']} % of the "
            f"injuries of {self.record['population']} (within 21 days); injury risk "
            f"{record['rr_7d']:.1f} times as high ({ci}) in the week after an alert day; open on "
            f"{record['open_days_pct']} % of days ({self.record['how']}; {cite})."
        )

    @property
    def factors(self) -> tuple[str, ...]:
        return tuple(self.rules)

    @property
    def load_factors(self) -> tuple[str, ...]:
        """The brief's factors: what the training did, as opposed to what the runner felt."""
        return tuple(f for f, rule in self.rules.items() if rule.group == "load")


@cache
def catalogue() -> Catalogue:
    doc = tomllib.loads((files("gaitload.rules") / "catalogue.toml").read_text(encoding="utf-8"))
    rules = {
        factor: Rule(
            factor=factor,
            title=body["title"],
            risk=body["risk"],
            basis_kind=body["basis_kind"],
            basis=body["basis"],
            advice=tuple(body["advice"]),
            message=body["message"],
            thresholds={
                name: Threshold(value=t["value"], doc=t["doc"])
                for name, t in body["thresholds"].items()
            },
            group=body.get("group", "load"),
            record=body.get("record"),
        )
        for factor, body in doc["rules"].items()
    }
    return Catalogue(
        rules=rules,
        advice=doc["advice"],
        email=doc["email"],
        record=doc["record"],
        bone_stress_patterns=tuple(doc["bone_stress"]["patterns"]),
    )


def check_overrides(table: Mapping[str, object], where: str) -> dict[str, dict[str, float]]:
    """Config overrides as {factor: {name: value}}; names the place of any unknown key."""
    rules = catalogue().rules
    checked: dict[str, dict[str, float]] = {}
    for factor, values in table.items():
        if factor not in rules:
            raise ConfigError(f"{where}: unknown factor {factor!r} (factors: {', '.join(rules)})")
        if not isinstance(values, Mapping):
            raise ConfigError(f"{where}.{factor}: expected a table of thresholds")
        known = rules[factor].thresholds
        for name, value in values.items():
            if name not in known:
                raise ConfigError(
                    f"{where}.{factor}: unknown threshold {name!r} (thresholds: {', '.join(known)})"
                )
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ConfigError(f"{where}.{factor}.{name}: expected a number, got {value!r}")
        checked[factor] = {name: float(value) for name, value in values.items()}
    return checked


def thresholds_for(
    global_overrides: Mapping[str, Mapping[str, float]],
    athlete_overrides: Mapping[str, Mapping[str, float]],
) -> dict[str, dict[str, float]]:
    """Every rule's thresholds for one athlete: defaults, then global, then the athlete's."""
    return {
        factor: {
            **rule.defaults(),
            **global_overrides.get(factor, {}),
            **athlete_overrides.get(factor, {}),
        }
        for factor, rule in catalogue().rules.items()
    }


def level(severity: str) -> int:
    return SEVERITIES.index(severity)


def notified() -> tuple[str, ...]:
    """The severities a channel is told about, in rising order."""
    return SEVERITIES[level(NOTIFY_FROM) :]
