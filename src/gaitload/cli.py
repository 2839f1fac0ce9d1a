"""The `gaitload` command: parse arguments, call one library function, render the result."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click
from rich.console import Console
from rich.padding import Padding
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from gaitload import __version__, demo, ingest
from gaitload.config import Settings, load_settings
from gaitload.errors import GaitloadError
from gaitload.ingest import ImportReport
from gaitload.notify import DeliveryReport
from gaitload.queries import latest_signals
from gaitload.rules import Alert

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
    """Import FIT files (.fit, .fit.gz) and folders of them, recursively."""
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
    settings = demo.demo_mail(_settings(ctx))
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
    render_signals(latest_signals(settings, demo.DEMO_ATHLETE))
    render_demo_alerts(settings, end_day)
    console.print(f"\nExplore it: gaitload --db {settings.db_path} alerts")


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


@cli.command("refresh")
@click.option("--full", is_flag=True, help="Recompute every activity, not only new ones.")
@click.pass_context
def refresh_cmd(ctx: click.Context, full: bool) -> None:
    """Bring the stored metrics up to date (imports do this by themselves)."""
    from gaitload.metrics import refresh_database

    report = refresh_database(_settings(ctx), full=full)
    console.print(f"Metrics computed for {report.activities} activities in {report.seconds:.1f} s.")


@cli.group("shoe")
def shoe_group() -> None:
    """Shoes: which pair you run in, so distance per shoe can be counted."""


@shoe_group.command("add")
@click.argument("name")
@click.option("--athlete", help="Whose shoe (default: the config's default athlete).")
@click.option(
    "--from",
    "in_use_from",
    type=click.DateTime(["%Y-%m-%d"]),
    required=True,
    help="First day (local) of running in it; runs from then on count on it.",
)
@click.pass_context
def shoe_add_cmd(ctx: click.Context, name: str, athlete: str | None, in_use_from) -> None:
    """Say you run in shoe NAME from a date on (for FIT files, which name no shoe)."""
    from gaitload.gear import add_shoe

    gear_id = add_shoe(_settings(ctx), name, athlete=athlete, in_use_from=in_use_from.date())
    console.print(f"Shoe {name!r} ({gear_id}) in use from {in_use_from.date()}.")


@shoe_group.command("list")
@click.option("--athlete", help="Only this athlete.")
@click.pass_context
def shoe_list_cmd(ctx: click.Context, athlete: str | None) -> None:
    """Every shoe with its runs and distance."""
    from gaitload.gear import shoes

    rows, columns = shoes(_settings(ctx), athlete)
    table = Table(*columns, title="Shoes")
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


@cli.command("alerts")
@click.option("--athlete", help="Only this athlete.")
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Only episodes still going on or after this day.",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Evaluate as if this day were today (records nothing, unless with --send).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the episodes as a JSON list.")
@click.option(
    "--send",
    is_flag=True,
    help="Email what is new: by SMTP when configured, else .eml files in the outbox.",
)
@click.pass_context
def alerts_cmd(
    ctx: click.Context, athlete: str | None, since, as_of, as_json: bool, send: bool
) -> None:
    """Risk alerts: each episode of the article's risk patterns, newest first."""
    from gaitload.notify import send_alerts
    from gaitload.rules import check_alerts, recorded_alerts

    settings = _settings(ctx)
    day = as_of.date() if as_of else None
    since_day = since.date() if since else None
    if send:
        report = send_alerts(settings, as_of=day, athlete=athlete)
        alerts = recorded_alerts(settings, athlete=athlete, since=since_day)
    else:
        report = None
        alerts = check_alerts(settings, as_of=day, athlete=athlete, since=since_day)
    if as_json:
        click.echo(json.dumps([a.to_json() for a in alerts], indent=2))
    else:
        render_alerts(alerts)
    if report is not None:
        render_delivery(report, err if as_json else console)


def render_demo_alerts(settings: Settings, as_of: date) -> None:
    from gaitload.notify import outbox_files, send_alerts
    from gaitload.rules import recorded_alerts

    report = send_alerts(settings, as_of=as_of, athlete=demo.DEMO_ATHLETE)
    console.print(f"\n[bold]Risk alerts as of {as_of}[/bold]")
    render_alerts(recorded_alerts(settings, athlete=demo.DEMO_ATHLETE))
    files = outbox_files(settings)
    console.print(f"{len(files)} alert email(s) in the outbox: {report.where}", soft_wrap=True)
    for path in files:
        console.print(f"  {path.name}", highlight=False, soft_wrap=True)


def render_alerts(alerts: list[Alert]) -> None:
    """One line per episode (newest first), its message below it: names stay plain text."""
    if not alerts:
        console.print("No alerts.")
        return
    styles = {"high": "bold red", "warn": "dark_orange", "info": "cyan"}
    for a in alerts:
        status = "open" if a.status == "open" else f"resolved {a.resolved_on}"
        head = Text.assemble(
            (f"{a.date}  ", "bold"),
            (f"{a.severity.upper():<4}", styles[a.severity]),
            f"  {a.factor}",
            f" ({a.evidence.get('shoe')})" if a.subject else "",
            f"  {a.athlete}, {status}",
            f", email {a.delivery}" if a.delivery else "",
        )
        console.print(head)
        console.print(Padding(Text(a.message), (0, 0, 0, 4)))


def render_delivery(report: DeliveryReport, out: Console) -> None:
    if report.transport == "outbox":
        out.print(
            f"{len(report.sent)} new alert email(s) written to {report.where}", soft_wrap=True
        )
    else:
        sent = "; ".join(f"{athlete}: {to}" for athlete, to in report.sent)
        out.print(
            f"{len(report.sent)} alert email(s) sent via {report.where}"
            + (f" ({sent})" if sent else ""),
            soft_wrap=True,
        )
    for message_id in report.unconfirmed:
        err.print(
            f"[yellow]warning:[/yellow] {message_id} may not have reached the SMTP server (a "
            "previous run stopped while sending it); it is not sent again: see the alerts view",
            highlight=False,
            soft_wrap=True,
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
        "week (local Monday)",
        "runs",
        "km",
        "longest km",
        "rest days",
        "vs previous",
        title="Running by week",
    )
    for week, runs, km, longest, rest_days, change in rows:
        so_far = (today - week).days < 6
        table.add_row(
            f"{week}{' (so far)' if so_far else ''}",
            str(runs),
            f"{km:.1f}",
            f"{longest or 0:.1f}",
            str(rest_days),
            "" if so_far or change is None else f"{change:+.0f}%",
        )
    console.print(table)


def render_signals(s: dict | None) -> None:
    if not s:
        return

    def pct(value: float | None) -> str:
        return "n/a" if value is None else f"{value:+.0f}%"

    lines = [
        f"last 7 days {s['km_7d']:.1f} km vs {s['km_prev_7d']:.1f} km before "
        f"({pct(s['ramp_7d_pct'])})",
        f"longest run of the week vs the 30 days before it: {pct(s['spike_7d_pct'])}",
        f"{s['consecutive_run_days']} running days in a row, "
        f"{s['rest_days_14d']} rest days in the last 14",
        f"ACWR {s['acwr'] or 0:.2f}, monotony {s['monotony_7d'] or 0:.1f}, "
        f"7-day descent {s['descent_ratio'] or 0:.1f}x its 28-day weekly average",
        f"surface: {s['top_surface_28d']} {s['top_share_28d'] or 0:.0%} of the last 28 days",
    ]
    console.print(f"\n[bold]Load on {s['day']}[/bold]\n  " + "\n  ".join(lines))


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
