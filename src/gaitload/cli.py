"""The `gaitload` command: parse arguments, call one library function, render the result."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click
from rich.markup import escape

from gaitload import __version__, demo, ingest
from gaitload.config import Settings, load_settings
from gaitload.errors import GaitloadError, disk_full
from gaitload.ingest import ImportReport
from gaitload.pain.places import PLACES as PAIN_PLACES
from gaitload.render import (
    console,
    err,
    import_progress,
    render_alerts,
    render_backtest,
    render_delivery,
    render_demo,
    render_lookback,
    render_query,
    render_report,
    render_rows,
    render_table,
    render_unread,
)
from gaitload.sources import registry
from gaitload.store.db import publishing
from gaitload.terminal import shown


class GaitloadGroup(click.Group):
    """Library errors become one line that says what to do; --debug shows the traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except GaitloadError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            raise GaitloadFailure(str(exc)) from exc
        except OSError as exc:  # a full disk outside the database: an outbox, a token file
            full = disk_full(exc)
            if full is None or (ctx.obj and ctx.obj.get("debug")):
                raise
            raise GaitloadFailure(str(full)) from exc


class GaitloadFailure(click.ClickException):
    def show(self, file=None) -> None:
        # the message is text, not markup: "[athletes.anna]" must print as it is
        err.print(f"[red]error:[/red] {escape(self.message)}", highlight=False, soft_wrap=True)


@click.group(cls=GaitloadGroup)
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
    from gaitload.demo.run import run_night, write_files

    user = _settings(ctx)
    out_dir = out_dir or user.data_dir / "demo" / "fit"
    settings = demo.demo_settings(user, out_dir, db=ctx.obj["db"])
    end_day = end.date() if end else date.today()
    with console.status(f"Writing {weeks} weeks of demo activities to {out_dir} ..."):
        fresh = ctx.obj["db"] is None  # a --db given is the user's to keep
        files = write_files(settings, out_dir, end=end_day, weeks=weeks, fresh=fresh)
    console.print(f"Wrote {len(files)} FIT files to {shown(out_dir)}")
    with console.status("Running the nightly flow under Prefect (import, metrics, alerts) ..."):
        night = run_night(settings, end_day)
    render_demo(night, settings, end_day)


@cli.command("activities")
@click.option("--athlete", help="Only this athlete.")
@click.option("--limit", type=int, default=20, show_default=True)
@click.pass_context
def activities_cmd(ctx: click.Context, athlete: str | None, limit: int) -> None:
    """The most recent activities, newest first."""
    from gaitload.read.overview import recent_activities

    answer = recent_activities(_settings(ctx), athlete=athlete, limit=limit)
    render_table(answer, "Activities")


@cli.command("sql")
@click.argument("query", required=False)
@click.option(
    "--file",
    "query_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the query from a .sql file (e.g. docs/queries/*.sql).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the result to a file instead of the terminal.",
)
@click.pass_context
def sql_cmd(
    ctx: click.Context, query: str | None, query_file: Path | None, fmt: str, output: Path | None
) -> None:
    """Ask the database anything, read-only: writes are refused and change nothing."""
    from gaitload.read.adhoc import run_query

    if bool(query) == bool(query_file):
        raise click.UsageError("give a QUERY or --file, one of them")
    text = query_file.read_text(encoding="utf-8") if query_file else query
    render_query(run_query(_settings(ctx), text), fmt, output)


@cli.command("export")
@click.option(
    "--parquet",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the Parquet files (one sub-folder per view).",
)
@click.pass_context
def export_cmd(ctx: click.Context, out_dir: Path) -> None:
    """Write the documented views as Parquet, partitioned by athlete and year."""
    from gaitload.read.adhoc import export_parquet

    for view, rows in export_parquet(_settings(ctx), out_dir):
        console.print(f"{view:24} {rows:>10,} rows")
    console.print(f"Parquet files in {shown(out_dir)}: read them with polars, pandas or DuckDB.")


@cli.command("dashboard")
@click.option("--port", type=int, default=2718, show_default=True)
@click.pass_context
def dashboard_cmd(ctx: click.Context, port: int) -> None:
    """Serve the dashboard on http://127.0.0.1:PORT (offline; Ctrl-C stops it)."""
    from gaitload.read.dashboard import serve

    settings = _settings(ctx)
    console.print(f"Dashboard for {shown(settings.db_path)} on http://127.0.0.1:{port}")
    sys.exit(serve(settings, port))


@cli.command("nightly")
@click.pass_context
def nightly_cmd(ctx: click.Context) -> None:
    """Run the nightly flow once, now (for cron or a systemd timer)."""
    from gaitload.pipelines.local_server import local_prefect
    from gaitload.pipelines.nightly import nightly

    with local_prefect():
        state = nightly(db=_db_arg(ctx), config=_config_arg(ctx), return_state=True)
    console.print(shown(state.message or state.name))
    sys.exit(0 if state.is_completed() else 1)


@cli.command("schedule")
@click.pass_context
def schedule_cmd(ctx: click.Context) -> None:
    """Serve the nightly flow on a Prefect schedule (03:00 local by default) until Ctrl-C."""
    from gaitload.pipelines.schedule import nightly_cron, serve

    settings = _settings(ctx)
    cron = nightly_cron(settings)
    console.print(f"Nightly at {settings.nightly_at} {cron.timezone} (cron '{cron.cron}').")
    serve(settings)


def _db_arg(ctx: click.Context) -> str | None:
    return str(ctx.obj["db"]) if ctx.obj["db"] else None


def _config_arg(ctx: click.Context) -> str | None:
    return str(ctx.obj["config"]) if ctx.obj["config"] else None


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
    from gaitload.store.shoes import add_shoe

    gear_id = add_shoe(_settings(ctx), name, athlete=athlete, in_use_from=in_use_from.date())
    console.print(f"Shoe '{shown(name)}' ({shown(gear_id)}) in use from {in_use_from.date()}.")


@shoe_group.command("list")
@click.option("--athlete", help="Only this athlete.")
@click.pass_context
def shoe_list_cmd(ctx: click.Context, athlete: str | None) -> None:
    """Every shoe with its runs and distance."""
    from gaitload.read.gear import shoes

    render_table(shoes(_settings(ctx), athlete), "Shoes")


@cli.group("pain")
def pain_group() -> None:
    """The pain journal: where it hurts, so load can be read against it."""


@pain_group.command("add")
@click.option("--athlete", help="Whose pain (default: the config's default athlete).")
@click.option(
    "--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Local day (default: today)."
)
@click.option(
    "--where",
    required=True,
    type=click.Choice(PAIN_PLACES, case_sensitive=False),
    help="Where it hurts: the article's heel, ball (of the foot), arch, top (of the foot), "
    "toes, general (fatigue), or achilles, shin, ankle, knee, hip.",
)
@click.option("--side", type=click.Choice(["left", "right"], case_sensitive=False))
@click.option("--score", required=True, type=click.IntRange(0, 10), help="0 (gone) to 10.")
@click.option("--bone", is_flag=True, help="Point pain on a bone: one spot, sore to press.")
@click.option("--note", help="In your own words.")
@click.pass_context
def pain_add_cmd(
    ctx: click.Context, athlete, day, where: str, side, score: int, bone: bool, note
) -> None:
    """Record pain; the same place on the same day again corrects the entry."""
    from gaitload.pain import add_pain

    recorded = add_pain(
        _settings(ctx),
        athlete=athlete,
        day=day.date() if day else None,
        where=where,
        side=side.lower() if side else None,
        score=score,
        bone=bone,
        note=note,
    )
    place = " ".join(filter(None, [side, recorded.location]))
    console.print(
        f"Pain entry {recorded.entry_id}: {shown(recorded.athlete)}, {recorded.day}, "
        f"{shown(place)} {score}/10."
    )
    if recorded.hint:
        console.print(f"The article: {recorded.hint}.", style="dim")
    if score:
        console.print(
            f"To see what the training did before: gaitload lookback --date {recorded.day}",
            style="dim",
        )


@pain_group.command("list")
@click.option("--athlete", help="Only this athlete.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only from this local day on.")
@click.option("--json", "as_json", is_flag=True, help="Print the entries as JSON.")
@click.pass_context
def pain_list_cmd(ctx: click.Context, athlete, since, as_json: bool) -> None:
    """Every pain entry, newest first, and activity notes that could not be read."""
    from gaitload.pain import pain_entries

    rows, columns, unread, unread_columns = pain_entries(
        _settings(ctx), athlete=athlete, since=since.date() if since else None
    )
    if as_json:
        click.echo(render_rows(columns, rows, "json"), nl=False)
        return
    console.print(render_rows(columns, rows, "table"))
    render_unread(unread, unread_columns)


@pain_group.command("remove")
@click.argument("entry_id", type=int)
@click.pass_context
def pain_remove_cmd(ctx: click.Context, entry_id: int) -> None:
    """Remove a journal entry by its id (see gaitload pain list)."""
    from gaitload.pain import remove_pain

    if not remove_pain(_settings(ctx), entry_id):
        raise GaitloadError(f"no pain entry {entry_id} (see gaitload pain list)")
    console.print(f"Removed pain entry {entry_id}.")


@cli.command("lookback")
@click.option("--athlete", help="Whose training (default: the config's default athlete).")
@click.option(
    "--date",
    "day",
    required=True,
    type=click.DateTime(["%Y-%m-%d"]),
    help="The local day the pain started: the look-back ends the day before.",
)
@click.option("--weeks", type=click.IntRange(1, 52), default=6, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print everything as one JSON object.")
@click.option(
    "--chart",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the weekly chart as a PNG to this file.",
)
@click.pass_context
def lookback_cmd(
    ctx: click.Context, athlete: str | None, day, weeks: int, as_json: bool, chart: Path | None
) -> None:
    """What changed in the weeks before a pain started, against your usual training."""
    from gaitload.lookback import look_back, weekly_chart

    result = look_back(_settings(ctx), day=day.date(), athlete=athlete, weeks=weeks)
    if chart is not None:
        try:
            chart.write_bytes(weekly_chart(result))
        except OSError as exc:
            raise GaitloadError(f"cannot write the chart to {chart}: {exc.strerror}") from exc
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))
    else:
        render_lookback(result)
    if chart is not None:
        (err if as_json else console).print(f"Chart written to {shown(chart)}", soft_wrap=True)


def _run_import(
    settings: Settings, paths: list[Path], athlete: str | None, workers: int | None, quiet: bool
) -> ImportReport:
    progress = import_progress(quiet)
    with progress, publishing(settings.db_path):
        task = progress.add_task("import", total=None, name="")
        return ingest.import_paths(
            settings,
            paths,
            athlete=athlete,
            workers=workers,
            on_total=lambda n: progress.update(task, total=n),
            on_file=lambda o: progress.update(task, advance=1, name=shown(Path(o.path).name)),
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


@cli.command("backtest")
@click.option("--athlete", help="Only this athlete (default: every athlete).")
@click.option(
    "--injuries",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A CSV of injuries (athlete,date[,place]) instead of the pain journal's episodes.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as JSON.")
@click.pass_context
def backtest_cmd(ctx: click.Context, athlete: str | None, injuries: Path | None, as_json: bool):
    """How the load alerts lined up with injuries in this history (docs/backtest.md)."""
    from gaitload.backtest import backtest

    result = backtest(_settings(ctx), athlete=athlete, injuries=injuries)
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))
        return
    render_backtest(result)


for _source in registry.SOURCES:  # each syncing source brings its own command group
    if _source.commands is not None:
        cli.add_command(_source.commands())


def main() -> None:
    cli()
