"""The `gaitload` command: parse arguments, call one library function, render the result."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from datetime import date
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from gaitload import __version__, demo, ingest
from gaitload.config import Settings, load_settings
from gaitload.errors import GaitloadError, disk_full
from gaitload.ingest import ImportReport
from gaitload.lookback.model import LookBack
from gaitload.notify import DeliveryReport
from gaitload.pain.places import PLACES as PAIN_PLACES
from gaitload.queries import latest_signals
from gaitload.rules import Alert
from gaitload.sources import registry
from gaitload.terminal import printable, shown

console = Console(stderr=False)
err = Console(stderr=True)

STATUS_ORDER = ("imported", "partial", "duplicate", "skipped", "rejected")


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
    user = _settings(ctx)
    out_dir = out_dir or user.data_dir / "demo" / "fit"
    settings = demo.demo_settings(user, out_dir, db=ctx.obj["db"])
    if ctx.obj["db"] is None:
        demo.reset_demo_database(settings)
    end_day = end.date() if end else date.today()
    with console.status(f"Writing {weeks} weeks of demo activities to {out_dir} ..."):
        files = demo.write_demo_files(out_dir, end=end_day, weeks=weeks)
    console.print(f"Wrote {len(files)} FIT files to {shown(out_dir)}")
    night = _demo_night(settings, end_day)
    console.print(f"Nightly flow: {shown(night.message)}")
    for row in night.result(raise_on_failure=False) or []:
        console.print(
            f"  {shown(row['athlete'])}: {row.get('imported', 0)} activities imported, "
            f"{row.get('alerts_sent', 0)} alert email(s) sent",
            highlight=False,
        )
    render_weeks(demo.weekly_summary(settings), today=end_day)
    render_signals(latest_signals(settings, demo.DEMO_ATHLETE))
    render_demo_alerts(settings, end_day)
    pain_day = render_demo_lookback(settings)
    console.print(f"\nExplore it: gaitload --db {shown(settings.db_path)} alerts", soft_wrap=True)
    if pain_day:
        console.print(
            f"            gaitload --db {shown(settings.db_path)} lookback --date {pain_day}",
            soft_wrap=True,
        )


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
        table.add_row(*("" if v is None else shown(v) for v in row))
    console.print(table)


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
    from gaitload.adhoc import run_query

    if bool(query) == bool(query_file):
        raise click.UsageError("give a QUERY or --file, one of them")
    text = query_file.read_text(encoding="utf-8") if query_file else query
    result = run_query(_settings(ctx), text)
    if result.note:
        err.print(f"note: {shown(result.note)}", highlight=False)
    columns, rows = result.columns, result.rows
    if fmt == "csv" and not output and sys.stdout.isatty():  # data for a file or pipe as it is
        columns = [printable(c) for c in columns]
        rows = [tuple(printable(v) if isinstance(v, str) else v for v in row) for row in rows]
    rendered = render_rows(columns, rows, fmt)
    if output:
        with output.open("w", encoding="utf-8") as out:
            if isinstance(rendered, str):
                out.write(rendered)
            else:
                Console(file=out, width=200).print(rendered)
        err.print(f"{len(result.rows)} rows written to {shown(output)}")
    elif isinstance(rendered, str):
        click.echo(rendered, nl=False, color=True)  # click would strip ESC from data in a pipe
    else:
        console.print(rendered)


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
    from gaitload.adhoc import export_parquet

    for view, rows in export_parquet(_settings(ctx), out_dir):
        console.print(f"{view:24} {rows:>10,} rows")
    console.print(f"Parquet files in {shown(out_dir)}: read them with polars, pandas or DuckDB.")


def render_rows(columns: list[str], rows: list[tuple], fmt: str) -> str | Table:
    if fmt == "json":
        return (
            json.dumps(
                [dict(zip(columns, row, strict=True)) for row in rows], default=str, indent=2
            )
            + "\n"
        )
    if fmt == "csv":
        buffer = io.StringIO()
        out = csv.writer(buffer)
        out.writerow(columns)
        out.writerows(rows)
        return buffer.getvalue()
    table = Table(*map(shown, columns), show_lines=False)
    for row in rows:
        table.add_row(*("" if v is None else shown(_cell(v)) for v in row))
    return table


def _cell(value: object) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


@cli.command("dashboard")
@click.option("--port", type=int, default=2718, show_default=True)
@click.pass_context
def dashboard_cmd(ctx: click.Context, port: int) -> None:
    """Serve the dashboard on http://127.0.0.1:PORT (offline; Ctrl-C stops it)."""
    from gaitload.dashboard import serve

    settings = _settings(ctx)
    console.print(f"Dashboard for {shown(settings.db_path)} on http://127.0.0.1:{port}")
    sys.exit(serve(settings, port))


def _quiet_prefect() -> None:
    """No telemetry from Prefect's local server: gaitload makes no request off the machine."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@cli.command("nightly")
@click.pass_context
def nightly_cmd(ctx: click.Context) -> None:
    """Run the nightly flow once, now (for cron or a systemd timer)."""
    _quiet_prefect()
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

    _quiet_prefect()
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
    from gaitload.gear import add_shoe

    gear_id = add_shoe(_settings(ctx), name, athlete=athlete, in_use_from=in_use_from.date())
    console.print(f"Shoe '{shown(name)}' ({shown(gear_id)}) in use from {in_use_from.date()}.")


@shoe_group.command("list")
@click.option("--athlete", help="Only this athlete.")
@click.pass_context
def shoe_list_cmd(ctx: click.Context, athlete: str | None) -> None:
    """Every shoe with its runs and distance."""
    from gaitload.gear import shoes

    rows, columns = shoes(_settings(ctx), athlete)
    table = Table(*columns, title="Shoes")
    for row in rows:
        table.add_row(*("" if v is None else shown(v) for v in row))
    console.print(table)


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
    for row in unread:
        line = dict(zip(unread_columns, row, strict=True))
        err.print(
            f"[yellow]not read:[/yellow] {line['date']} {shown(line['activity'] or '')} "
            f"({shown(line['field'])}): '{shown(line['line'])}': {shown(line['problem'])}",
            highlight=False,
            soft_wrap=True,
        )


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


def _demo_night(settings: Settings, as_of: date):
    """The real nightly flow (Prefect, ephemeral) on the demo's own settings, passed as
    they are: nothing from the user's environment or config can redirect it."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    _quiet_prefect()
    demo.write_demo_config(settings)
    with console.status("Running the nightly flow under Prefect (import, metrics, alerts) ..."):
        from gaitload.pipelines.local_server import local_prefect
        from gaitload.pipelines.nightly import nightly

        with local_prefect():
            return nightly(settings=settings, as_of=as_of, return_state=True)


def render_demo_alerts(settings: Settings, as_of: date) -> None:
    from gaitload.notify import outbox_files, send_alerts
    from gaitload.rules import recorded_alerts

    report = send_alerts(settings, as_of=as_of, athlete=demo.DEMO_ATHLETE)
    console.print(f"\n[bold]Risk alerts as of {as_of}[/bold]")
    render_alerts(recorded_alerts(settings, athlete=demo.DEMO_ATHLETE))
    files = outbox_files(settings)
    console.print(
        f"{len(files)} alert email(s) in the outbox: {shown(report.where)}", soft_wrap=True
    )
    for path in files:
        console.print(f"  {shown(path.name)}", highlight=False, soft_wrap=True)


def render_demo_lookback(settings: Settings) -> date | None:
    """The demo runner's pain (a note on the last run): what the weeks before it held."""
    from gaitload.lookback import look_back
    from gaitload.pain import pain_entries

    rows, columns, *_ = pain_entries(settings, athlete=demo.DEMO_ATHLETE)
    if not rows:
        return None
    entry = dict(zip(columns, rows[-1], strict=True))  # the first pain reported
    console.print(
        f"\n[bold]Pain reported on {entry['date']}: {shown(entry['place'])} {entry['score']}/10 "
        f"({shown(entry['source'])}). What changed before it?[/bold]"
    )
    render_lookback(look_back(settings, day=entry["date"], athlete=demo.DEMO_ATHLETE))
    return entry["date"]


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
            printable(f" ({a.evidence.get('shoe') or a.evidence.get('place') or a.subject})")
            if a.subject
            else "",
            printable(f"  {a.athlete}, {status}"),
            printable(f", email {a.delivery}") if a.delivery else "",
        )
        console.print(head)
        console.print(Padding(Text(printable(a.message)), (0, 0, 0, 4)))


def render_lookback(lb: LookBack) -> None:
    """The look-back as tables, a bar chart of weekly km, and the history with its warning."""
    if lb.source_note:
        err.print(
            f"[yellow]note:[/yellow] {shown(lb.source_note)}", highlight=False, soft_wrap=True
        )
    console.print(
        f"[bold]Look-back for {shown(lb.athlete)}[/bold]: the {lb.window.days} days before "
        f"{lb.day} ({lb.window.first} to {lb.window.last})",
        highlight=False,
        soft_wrap=True,
    )
    for note in lb.notes:
        console.print(shown(note), style="dim", highlight=False, soft_wrap=True)
    severity = {"high": "bold red", "warn": "dark_orange", "info": "cyan"}
    if lb.factors:
        table = Table(title="Load factors in the window")
        table.add_column("factor", no_wrap=True)
        for column in ("severity", "from", "to", ""):
            table.add_column(column)
        for f in lb.factors:
            table.add_row(
                f.factor,
                Text(f.severity, severity[f.severity]),
                str(f.first_day),
                str(f.last_day),
                Text(f.title, "dim"),
            )
        console.print(table)
        for f in lb.factors:
            console.print(Padding(Text(printable(f"{f.factor}: {f.message}")), (0, 0, 0, 2)))
    else:
        console.print("No load factor had an episode in the window.")
    table = Table("measure", "window", "usual", "change", "informs", title="Against usual")
    for m in lb.measures:
        label = Text(printable(m.label + (f" ({m.subject})" if m.subject else "")))
        if m.detail:
            label.append("\n" + printable(m.detail), "dim")
        table.add_row(
            label,
            _measure(m.window, m.unit),
            _measure(m.usual, m.unit),
            "n/a" if m.change is None else f"{m.change:+.0f} {m.change_unit}",
            shown(m.informs),
        )
    console.print(table)
    render_week_bars(lb)
    render_pain_history(lb)


def _measure(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "share":
        return f"{value:.0%}"
    if unit == "m":
        return f"{value:.0f} m"
    if unit == "km":
        return f"{value:.1f} km"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def render_week_bars(lb: LookBack) -> None:
    """Weekly km as terminal bars: usual weeks dim, the window's bold, factor weeks marked."""
    top = max((w.km for w in lb.series), default=0) or 1
    console.print(
        "\n[bold]Running km per week[/bold] (dim: usual; blue: the window; "
        "[dark_orange]▲[/dark_orange] load factors present)"
    )
    for w in lb.series:
        style = "bold blue" if w.period == "window" else "dim"
        line = Text(f"  {w.start:%d %b %Y}  ", style)
        line.append(f"{'█' * round(w.km / top * 40):<40}", style)
        line.append(f" {w.km:5.1f}", style)
        if w.days < 7:
            line.append(f" ({w.days} days)", "dim")
        if w.factors:
            line.append("  ▲ " + ", ".join(w.factors), "dark_orange")
        console.print(line, soft_wrap=True)


def render_pain_history(lb: LookBack) -> None:
    h = lb.history
    weeks = f"{lb.weeks} week{'s' if lb.weeks != 1 else ''}"
    if h.pain_episodes:
        table = Table(
            "started",
            "where",
            "worst",
            f"load factors in the {weeks} before",
            title="Pain episodes",
        )
        for p in h.pain_episodes:
            where = p.place + (" (bone)" if p.bone else "")
            table.add_row(
                str(p.started_on),
                shown(where),
                f"{p.max_score}/10",
                ", ".join(p.factors) or "none",
            )
        console.print(table)
        table = Table(
            "factor",
            "preceded",
            f"present in all {lb.weeks}-week windows",
            title="Before pain, against how often it is there",
        )
        for f in h.factors:
            base = "n/a" if f.base_rate is None else f"{f.base_rate:.0%} (of {h.base_windows})"
            table.add_row(
                f.factor,
                f"{f.preceded} of {f.pain_episodes}",
                base,
                style=None if f.preceded else "dim",
            )
        console.print(table)
    if h.warning:
        console.print(f"[yellow]{h.warning}[/yellow]", highlight=False, soft_wrap=True)


def render_delivery(report: DeliveryReport, out: Console) -> None:
    if report.transport == "outbox":
        out.print(
            f"{len(report.sent)} new alert email(s) written to {shown(report.where)}",
            soft_wrap=True,
        )
    else:
        sent = "; ".join(f"{shown(athlete)}: {shown(to)}" for athlete, to in report.sent)
        out.print(
            f"{len(report.sent)} alert email(s) sent via {shown(report.where)}"
            + (f" ({sent})" if sent else ""),
            soft_wrap=True,
        )
    for message_id in report.unconfirmed:
        err.print(
            f"[yellow]warning:[/yellow] {shown(message_id)} may not have reached the SMTP server "
            "(a previous run stopped while sending it); it is not sent again: see the alerts view",
            highlight=False,
            soft_wrap=True,
        )


def render_report(report: ImportReport, settings: Settings) -> None:
    console.print(
        f"Imported for [bold]{shown(report.athlete)}[/bold] into {shown(settings.db_path)}"
    )
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
                f"  [bold]{outcome.status}[/bold] {shown(Path(outcome.path).name)}: "
                f"{shown(outcome.reason)}",
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
        f"surface: {shown(s['top_surface_28d'])} {s['top_share_28d'] or 0:.0%} of the last 28 days",
    ]
    console.print(f"\n[bold]Load on {s['day']}[/bold]\n  " + "\n  ".join(lines))


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
    from gaitload.backtest import ANY, backtest

    result = backtest(_settings(ctx), athlete=athlete, injuries=injuries)
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))
        return
    table = Table(
        title=f"Backtest: {result.athletes} athlete(s), {result.injuries} injuries "
        f"({result.injury_source})",
        box=None,
        pad_edge=False,
    )
    headers = ("rule", "open", "ep/yr", "RR 7 d [95 % CI]", "7 d", "21 d", "prec", "recall")
    for header in (*headers, "AUC"):
        table.add_column(header, no_wrap=True)
    quiet = [r.factor for r in result.records if not r.open_days and r.factor != ANY]
    for r in result.records:
        if r.factor not in quiet:
            table.add_row(r.factor, *(_bt(v) for v in r.row()))
    console.print(table)
    console.print(
        "open: share of days with the alert at warn or high; ep/yr: spells of open days per "
        "athlete-year; 7 d, 21 d: injuries with it open "
        "in the days before; RR: risk of an injury in the 7 days after an open day against a "
        "day without (interval: athletes resampled); prec/recall: of days before an injury.",
        soft_wrap=True,
    )
    if quiet:
        console.print(f"Never at warn or high here: {', '.join(quiet)}.", soft_wrap=True)


def _bt(value: object) -> str:
    return "n/a" if value is None else str(value)


for _source in registry.SOURCES:  # each syncing source brings its own command group
    if _source.commands is not None:
        cli.add_command(_source.commands())


def main() -> None:
    cli()
