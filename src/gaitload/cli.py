"""The `gaitload` command: parse arguments, call one library function, render the result."""

from __future__ import annotations

import sys
import webbrowser
from datetime import date
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from gaitload import __version__, demo, ingest
from gaitload.config import Settings, load_settings
from gaitload.errors import GaitloadError
from gaitload.ingest import ImportReport

console = Console(stderr=False)
err = Console(stderr=True)

STATUS_ORDER = ("imported", "partial", "duplicate", "skipped", "rejected")


@click.group()
@click.version_option(__version__, prog_name="gaitload")
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="DuckDB file (default: GAITLOAD_DB, the config's `db`, or the data directory).",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="gaitload.toml (default: GAITLOAD_CONFIG or the user config directory).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.pass_context
def cli(ctx: click.Context, db: Path | None, config: Path | None, debug: bool) -> None:
    """gaitload: running load and overuse-injury risk, from your own activity files."""
    ctx.obj = {"db": db, "config": config, "debug": debug}


def _settings(ctx: click.Context) -> Settings:
    return load_settings(db=ctx.obj["db"], config=ctx.obj["config"])


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--athlete", help="Whose activities these are (default: the config's default).")
@click.option("--workers", type=int, help="Parsing processes (default: one per core).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
def import_cmd(
    ctx: click.Context,
    paths: tuple[Path, ...],
    athlete: str | None,
    workers: int | None,
    quiet: bool,
) -> None:
    """Import activity files (.fit, .gpx, .tcx, each maybe .gz), folders of them, and Strava
    exports (the zip, or its unpacked folder)."""
    settings = _settings(ctx)
    report = _run_import(settings, list(paths), athlete, workers, quiet)
    render_report(report, settings)
    if report.outcomes and report.count("rejected") == len(report.outcomes):
        sys.exit(1)


@cli.command("demo")
@click.option(
    "--dir",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the demo FIT files (default: <data dir>/demo/fit).",
)
@click.option("--weeks", type=click.IntRange(4, 104), default=16, show_default=True)
@click.option(
    "--end", type=click.DateTime(["%Y-%m-%d"]), help="Last day of the demo (default: today)."
)
@click.pass_context
def demo_cmd(ctx: click.Context, out_dir: Path | None, weeks: int, end) -> None:
    """Write a synthetic runner's months of FIT files, import them, and show what was found.

    Uses its own database (<data dir>/demo.duckdb) unless --db is given, so your own data
    is never mixed with the demo's.
    """
    settings = _settings(ctx)
    if ctx.obj["db"] is None:
        settings = demo.demo_settings(settings)
        demo.reset_demo_database(settings)
    out_dir = out_dir or settings.data_dir / "demo" / "fit"
    end_day = end.date() if end else date.today()
    with console.status(f"Writing {weeks} weeks of demo activities to {out_dir} ..."):
        files = demo.write_demo_files(out_dir, end=end_day, weeks=weeks)
    console.print(f"Wrote {len(files)} FIT files to {out_dir}")
    report = _run_import(settings, [out_dir], demo.DEMO_ATHLETE, None, quiet=False)
    render_report(report, settings)
    render_weeks(demo.weekly_summary(settings), today=end_day)
    console.print(f"\nExplore it: gaitload --db {settings.db_path} activities")


@cli.command("activities")
@click.option("--athlete", help="Only this athlete.")
@click.option("--limit", type=int, default=20, show_default=True)
@click.pass_context
def activities_cmd(ctx: click.Context, athlete: str | None, limit: int) -> None:
    """The most recent activities, newest first."""
    from gaitload.queries import recent_activities

    rows, columns = recent_activities(_settings(ctx), athlete=athlete, limit=limit)
    table = Table(*columns, title="Activities")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)


def _run_import(
    settings: Settings, paths: list[Path], athlete: str | None, workers: int | None, quiet: bool
) -> ImportReport:
    progress = Progress(
        TextColumn("Importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[name]}"),
        console=err,
        disable=quiet,
        transient=True,
    )
    with progress:
        task = progress.add_task("import", total=None, name="")
        return ingest.import_paths(
            settings,
            paths,
            athlete=athlete,
            workers=workers,
            on_total=lambda n: progress.update(task, total=n),
            on_file=lambda o: progress.update(task, advance=1, name=Path(o.path).name),
        )


def render_report(report: ImportReport, settings: Settings) -> None:
    console.print(f"Imported for [bold]{report.athlete}[/bold] into {settings.db_path}")
    table = Table(title="Files")
    table.add_column("files")
    table.add_column("count", justify="right")
    for status in STATUS_ORDER:
        table.add_row(status, str(report.count(status)))
    console.print(table)
    console.print(
        f"{report.activities} activities, {report.records:,} records stored (run {report.run_id})."
    )
    for outcome in report.outcomes:
        if outcome.status in ("rejected", "partial", "skipped") and outcome.reason:
            console.print(
                f"  [bold]{outcome.status}[/bold] {Path(outcome.path).name}: {outcome.reason}",
                highlight=False,
                markup=True,
            )


def render_weeks(rows: list[tuple], today: date) -> None:
    table = Table(
        "week (local Monday)", "runs", "km", "longest km", "vs previous", title="Running by week"
    )
    previous = None
    for week, runs, km, longest in rows:
        change = f"{(km - previous) / previous:+.0%}" if previous else ""
        so_far = (today - week).days < 6
        table.add_row(
            f"{week}{' (so far)' if so_far else ''}",
            str(runs),
            f"{km:.1f}",
            f"{longest:.1f}",
            "" if so_far else change,
        )
        previous = km
    console.print(table)


@cli.group("strava")
def strava_group() -> None:
    """Connect athletes to Strava and sync their activities (see README: Strava)."""


@strava_group.command("login")
@click.option("--athlete", help="Whose Strava account this is (default: the config's default).")
@click.option("--code", help="An authorization code pasted from the browser (headless servers).")
@click.pass_context
def strava_login_cmd(ctx: click.Context, athlete: str | None, code: str | None) -> None:
    """Connect to Strava: opens Strava's consent page, or exchanges a pasted --code."""
    from gaitload import strava

    def show(url: str) -> None:
        console.print(f"Open this address to connect gaitload to Strava:\n{url}", soft_wrap=True)
        webbrowser.open(url)

    saved = strava.login(_settings(ctx), athlete, code=code, on_url=show)
    console.print(
        f"Connected [bold]{saved.athlete}[/bold] to Strava athlete {saved.strava_athlete_id}; "
        "the token is saved for you alone to read. Next: gaitload strava sync"
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
    from gaitload import strava

    with err.status("Syncing with Strava ...") as status:
        reports = strava.sync(
            _settings(ctx),
            athlete,
            max_wait_s=max_wait,
            on_progress=lambda r, m: status.update(_sync_line(r, m)),
        )
    for report in reports:
        console.print(_sync_line(report, ""), highlight=False, soft_wrap=True)
        if report.stopped:
            console.print(f"  stopped: {report.stopped}", highlight=False, soft_wrap=True)
        if report.error:
            err.print(f"[red]error:[/red] {report.error}", highlight=False, soft_wrap=True)
    if any(r.error for r in reports):
        sys.exit(1)


def _sync_line(report, message: str) -> str:
    synced_to = f", history synced to {report.cursor:%Y-%m-%d}" if report.cursor else ""
    line = (
        f"{report.athlete}: {report.new} new, {report.updated} updated, {report.merged} merged "
        f"with files, {report.deleted} deleted{synced_to}"
    )
    return f"{line} ({message})" if message else line


def main() -> None:
    try:
        cli(standalone_mode=False)
    except click.exceptions.Abort:
        err.print("Aborted.")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except GaitloadError as exc:
        if "--debug" in sys.argv:
            raise
        err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)
