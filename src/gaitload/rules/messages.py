"""A finding in words: the catalogue's message template filled with the evidence.

Messages are plain text, stored with the episode; the email's HTML part escapes them (they
can carry user-supplied names: activities, shoes).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import jinja2

from gaitload.rules.catalogue import Rule, catalogue


def number(value: object, digits: int = 2) -> str:
    """42.0 -> "42", 1.534 -> "1.53", None -> "n/a": numbers as a person writes them."""
    if value is None:
        return "n/a"
    if not isinstance(value, int | float) or isinstance(value, bool):
        return str(value)
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    env.filters["n"] = number
    return env


@cache
def _template(source: str) -> jinja2.Template:
    """Compiled once: a backfill renders hundreds of episodes of the same few rules."""
    return _environment().from_string(source)


def render_message(rule: Rule, evidence: Mapping, thresholds: Mapping[str, float]) -> str:
    """`t` is the thresholds, `titles` every rule's title by factor (for rules about rules)."""
    template = _template(rule.message)
    titles = {f: r.title for f, r in catalogue().rules.items()}
    return " ".join(template.render(**evidence, t=thresholds, titles=titles).split())
