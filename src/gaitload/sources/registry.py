"""Every source gaitload knows, in one list: the store merges by their rules, the nightly
flow pulls from those that sync, and the CLI adds their commands.

A source that only imports files it is given (FIT, GPX, TCX) declares just its merge rule;
one that syncs from a service also says which athletes are connected, how to pull one
athlete's new activities, and its command group (`gaitload <name> ...`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gaitload.sources import files, merge_rules, strava
from gaitload.sources.model import MergeRule
from gaitload.sources.strava import source as strava_source

if TYPE_CHECKING:
    import click

    from gaitload.config import Settings


@dataclass(frozen=True)
class Source:
    name: str
    rule: MergeRule
    connected: Callable[[Settings], list[str]] | None = None
    """The athletes a nightly run pulls for; None for a source that only imports files."""
    pull: Callable[[Settings, str], dict] | None = None
    """One athlete's sync: counts `imported`, `updated`, `deleted` and `notes`. Raises a
    `TransientError` to be retried, a `TerminalError` to fail this athlete only."""
    commands: Callable[[], click.Group] | None = None
    """The source's CLI group, made on demand (its imports stay lazy)."""


SOURCES: tuple[Source, ...] = (
    Source("files", files.RULE),
    Source(
        "strava",
        strava.RULE,
        connected=strava_source.connected_athletes,
        pull=strava_source.pull,
        commands=strava_source.commands,
    ),
)


def syncing() -> list[Source]:
    """The sources a nightly run pulls from, in order."""
    return [s for s in SOURCES if s.pull is not None]


def rules() -> list[MergeRule]:
    return [s.rule for s in SOURCES]


rule_of = merge_rules.rule_of
