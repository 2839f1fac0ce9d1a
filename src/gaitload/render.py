"""What the `gaitload` command prints: tables, lines and bars on the terminal.

Text from files, Strava or the user is shown through `terminal.shown`/`printable`, never as
rich markup, so a name like "[red]" or an escape sequence prints as it is.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.padding import Padding
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from gaitload.terminal import printable, shown

if TYPE_CHECKING:  # annotations only: printing needs none of these loaded
    from gaitload.config import Settings
    from gaitload.demo.run import Night
    from gaitload.ingest import ImportReport
    from gaitload.lookback.model import LookBack
    from gaitload.notify import DeliveryReport
    from gaitload.read import query
    from gaitload.read.adhoc import QueryResult
    from gaitload.rules import Alert

console = Console(stderr=False)
err = Console(stderr=True)

STATUS_ORDER = ("imported", "partial", "duplicate", "skipped", "rejected")


def render_table(answer: query.Table, title: str) -> None:
    """A read query's answer as a terminal table (activities, shoes)."""
    table = Table(*answer.columns, title=title)
    for row in answer.rows:
        table.add_row(*("" if v is None else shown(v) for v in row))
    console.print(table)


def render_query(result: QueryResult, fmt: str, output: Path | None) -> None:
    """`gaitload sql`'s answer: a table, CSV or JSON, on the terminal or into a file."""
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


def import_progress(quiet: bool) -> Progress:
    return Progress(
        TextColumn("Importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[name]}"),
        console=err,
        disable=quiet,
        transient=True,
    )


def render_demo(night: Night, settings: Settings, as_of: date) -> None:
    """What the demo's nightly run found: weeks, today's load, alerts and emails, look-back."""
    console.print(f"Nightly flow: {shown(night.message)}")
    for row in night.rows:
        console.print(
            f"  {shown(row['athlete'])}: {row.get('imported', 0)} activities imported, "
            f"{row.get('alerts_sent', 0)} alert email(s) sent",
            highlight=False,
        )
    render_weeks(night.weeks, today=as_of)
    render_signals(night.signals)
    console.print(f"\n[bold]Risk alerts as of {as_of}[/bold]")
    render_alerts(night.alerts)
    console.print(
        f"{len(night.outbox)} alert email(s) in the outbox: {shown(night.delivery.where)}",
        soft_wrap=True,
    )
    for path in night.outbox:
        console.print(f"  {shown(path.name)}", highlight=False, soft_wrap=True)
    if night.pain and night.lookback:
        p = night.pain
        console.print(
            f"\n[bold]Pain reported on {p['date']}: {shown(p['place'])} {p['score']}/10 "
            f"({shown(p['source'])}). What changed before it?[/bold]"
        )
        render_lookback(night.lookback)
    console.print(f"\nExplore it: gaitload --db {shown(settings.db_path)} alerts", soft_wrap=True)
    if night.pain:
        console.print(
            f"            gaitload --db {shown(settings.db_path)} lookback --date "
            f"{night.pain['date']}",
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


def render_unread(rows: list[tuple], columns: list[str]) -> None:
    """Activity-note lines the pain journal could not read, one warning each."""
    for row in rows:
        line = dict(zip(columns, row, strict=True))
        err.print(
            f"[yellow]not read:[/yellow] {line['date']} {shown(line['activity'] or '')} "
            f"({shown(line['field'])}): '{shown(line['line'])}': {shown(line['problem'])}",
            highlight=False,
            soft_wrap=True,
        )


def render_sync(reports: list) -> None:
    for report in reports:
        console.print(shown(sync_line(report, "")), highlight=False, soft_wrap=True)
        if report.stopped:
            console.print(f"  stopped: {shown(report.stopped)}", highlight=False, soft_wrap=True)
        if report.error:
            err.print(f"[red]error:[/red] {shown(report.error)}", highlight=False, soft_wrap=True)


def sync_line(report, message: str) -> str:
    synced_to = f", history synced to {report.cursor:%Y-%m-%d}" if report.cursor else ""
    line = (
        f"{report.athlete}: {report.new} new, {report.updated} updated, {report.merged} merged "
        f"with files, {report.deleted} deleted{synced_to}"
    )
    return f"{line} ({message})" if message else line


def render_backtest(result) -> None:
    """The backtest's table of rules (rules never at warn or high listed below it)."""
    from gaitload.backtest import ANY

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
