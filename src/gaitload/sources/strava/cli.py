"""`gaitload strava login` and `gaitload strava sync`: the CLI adds this group from the
source registry; errors become one line there (`GaitloadGroup`)."""

from __future__ import annotations

import sys
import webbrowser

import click

from gaitload.config import Settings, load_settings
from gaitload.render import console, err, render_sync, sync_line
from gaitload.terminal import shown


def _settings(ctx: click.Context) -> Settings:
    return load_settings(db=ctx.obj["db"], config=ctx.obj["config"])


@click.group("strava")
def strava_group() -> None:
    """Connect athletes to Strava and sync their activities (see README: Strava)."""


@strava_group.command("login")
@click.option("--athlete", help="Whose Strava account this is (default: the config's default).")
@click.option("--code", help="An authorization code pasted from the browser (headless servers).")
@click.pass_context
def strava_login_cmd(ctx: click.Context, athlete: str | None, code: str | None) -> None:
    """Connect to Strava: opens Strava's consent page, or exchanges a pasted --code."""
    from gaitload.sources.strava.auth import login

    def show(url: str) -> None:
        console.print(f"Open this address to connect gaitload to Strava:\n{url}", soft_wrap=True)
        webbrowser.open(url)

    saved = login(_settings(ctx), athlete, code=code, on_url=show)
    console.print(
        f"Connected [bold]{shown(saved.athlete)}[/bold] to Strava athlete "
        f"{saved.strava_athlete_id}; the token is saved for you alone to read. "
        "Next: gaitload strava sync"
    )


@strava_group.command("sync")
@click.option("--athlete", help="Only this athlete (default: every connected athlete).")
@click.option(
    "--max-wait",
    type=float,
    help="Seconds this run may wait for Strava's 15-minute rate windows (default: config).",
)
@click.pass_context
def strava_sync_cmd(ctx: click.Context, athlete: str | None, max_wait: float | None) -> None:
    """Fetch new, edited and deleted activities from Strava, within its rate limits."""
    from gaitload.sources.strava.syncing import sync

    with err.status("Syncing with Strava ...") as status:
        reports = sync(
            _settings(ctx),
            athlete,
            max_wait_s=max_wait,
            on_progress=lambda r, m: status.update(shown(sync_line(r, m))),
        )
    render_sync(reports)
    if any(r.error for r in reports):
        sys.exit(1)
