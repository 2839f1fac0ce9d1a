"""Every source's merge rule, for the store: which fields each source may fill.

A leaf of the import graph: the store reads it while writing, and the sources' sync code
writes through the store, so this names only the rules, never a source's entry points
(those are in `registry.py`, for the nightly flow and the CLI).
"""

from __future__ import annotations

from gaitload.sources import files, strava
from gaitload.sources.model import MergeRule

RULES: tuple[MergeRule, ...] = (files.RULE, strava.RULE)


def rule_of(source: str) -> MergeRule | None:
    return next((r for r in RULES if r.source == source), None)


def from_file(source: str) -> bool:
    """A recording is a file's unless its source made it from its own streams."""
    rule = rule_of(source)
    return not (rule and rule.from_streams)
