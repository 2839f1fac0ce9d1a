"""Strava's entry points, as the source registry, the CLI and the nightly flow call them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import click

    from gaitload.config import Settings


def login(settings: Settings, athlete: str | None = None, **options: Any):
    from gaitload.sources.strava.auth import login as connect

    return connect(settings, athlete, **options)


def sync(settings: Settings, athlete: str | None = None, **options: Any):
    from gaitload.sources.strava.syncing import sync as run

    return run(settings, athlete, **options)


def connected_athletes(settings: Settings) -> list[str]:
    from gaitload.sources.strava.tokens import connected_athletes as connected

    return connected(settings)


def pull(settings: Settings, athlete: str) -> dict:
    """One athlete's sync for the nightly run: Strava down is transient, a revoked token not."""
    from gaitload.errors import StravaAuthError, StravaUnavailable

    (report,) = sync(settings, athlete)
    if report.unavailable:
        raise StravaUnavailable(report.stopped)  # transient: Prefect retries with backoff
    if report.error:
        raise StravaAuthError(report.error)  # terminal: this athlete fails, the others go on
    notes = (
        [f"Strava stopped early, resumes next night: {report.stopped}"] if report.stopped else []
    )
    return {
        "imported": report.new,
        "updated": report.updated + report.merged,
        "deleted": report.deleted,
        "notes": notes,
    }


def commands() -> click.Group:
    from gaitload.sources.strava.cli import strava_group

    return strava_group


def __getattr__(name: str) -> Any:
    if name == "SyncReport":
        from gaitload.sources.strava.syncing import SyncReport

        return SyncReport
    raise AttributeError(name)
