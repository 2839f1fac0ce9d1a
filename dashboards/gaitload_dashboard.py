"""gaitload dashboard: the weeks behind an alert, at a glance. Run with `gaitload dashboard`.

A marimo app: every chart reads the database through gaitload's short read-only
connections (or the snapshot while the nightly run writes), and everything it needs is
served from 127.0.0.1: no CDN, no fonts from elsewhere.
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="gaitload")


@app.cell
def _():
    import altair as alt
    import marimo as mo
    import polars as pl

    from gaitload.config import load_settings
    from gaitload.read.dashboard_data import (
        ALERTS_COLUMN,
        alert_details,
        frame,
        has_view,
        pain,
        pain_table,
    )

    settings = load_settings()

    def svg(chart):
        """SVG, not canvas: every mark carries an aria-label, readable and testable."""
        return chart.properties(usermeta={"embedOptions": {"renderer": "svg", "actions": False}})

    return (
        ALERTS_COLUMN,
        alert_details,
        alt,
        frame,
        has_view,
        mo,
        pain,
        pain_table,
        pl,
        settings,
        svg,
    )


@app.cell
def _(frame, mo, settings):
    athletes = frame(settings, "athletes")["athlete"].to_list()
    picker = mo.ui.dropdown(athletes, value=athletes[0] if athletes else None, label="Athlete")
    span = mo.ui.slider(8, 104, value=16, step=4, label="Weeks shown")
    mo.vstack(
        [
            mo.md("# gaitload — running load"),
            mo.hstack([picker, span], wrap=True, justify="start")
            if athletes
            else mo.md("No data yet: run `gaitload import PATH` or `gaitload demo`."),
        ]
    )
    return picker, span


@app.cell
def _(frame, has_view, pain, picker, settings, span):
    athlete = picker.value
    weeks_n = span.value
    weeks = frame(settings, "weeks", athlete=athlete, weeks=weeks_n)
    days = frame(settings, "days", athlete=athlete, weeks=weeks_n)
    cadence = frame(settings, "cadence", athlete=athlete, weeks=weeks_n)
    surfaces = frame(settings, "surfaces", athlete=athlete, weeks=weeks_n)
    shoes = frame(settings, "shoes", athlete=athlete)
    alerts = frame(settings, "alerts", athlete=athlete) if has_view(settings, "alerts") else None
    pain_entries = pain(settings, athlete)
    return alerts, cadence, days, pain_entries, shoes, surfaces, weeks


@app.cell
def _(alt, mo, pain_entries, pl, svg, weeks):
    _ramp = alt.condition("datum.ramp_flag", alt.value("#d9480f"), alt.value("#4263eb"))
    _bars = (
        alt.Chart(weeks)
        .mark_bar(size=14)
        .encode(
            x=alt.X("week_start:T", title="week (local Monday)"),
            y=alt.Y("km:Q", title="km"),
            color=_ramp,
            tooltip=[
                "week_start:T",
                alt.Tooltip("km:Q", format=".1f"),
                "runs:Q",
                "rest_days:Q",
                alt.Tooltip("km_change_pct:Q", format="+.0f"),
            ],
        )
    )
    _shown = (
        pain_entries.filter(pl.col("date") >= weeks["week_start"].min())
        .select("date", "place", "score", "note")
        .with_columns(
            pl.col("note").fill_null(""),
            label=pl.format("pain on {}: {}, {}/10", "date", "place", "score"),
        )
        if len(weeks) and len(pain_entries)
        else pl.DataFrame(schema={"date": pl.Date, "place": pl.String, "score": pl.Int64})
    )
    _pain_day = alt.Chart(_shown).encode(
        x="date:T",
        description="label:N",  # the marks' aria-label
        tooltip=[alt.Tooltip("date:T", title="pain on"), "place:N", "score:Q", "note:N"],
    )
    weekly_chart = alt.layer(
        _bars,
        _pain_day.mark_rule(color="#c92a2a", strokeDash=[4, 3], strokeWidth=1.5),
        _pain_day.mark_text(color="#c92a2a", dy=-6, fontWeight="bold").encode(
            y=alt.value(0), text="score:Q"
        ),
    ).properties(
        width="container",
        height=220,
        title=alt.Title(
            "Weekly km (orange: > +10 % and 5+ km more)",
            subtitle="red: a day with pain, its score /10" if len(_shown) else "",
        ),
    )
    descent_chart = (
        alt.Chart(weeks, title="Weekly descent (m)")
        .mark_bar(color="#2b8a3e", size=14)
        .encode(
            x=alt.X("week_start:T", title="week"),
            y=alt.Y("descent_m:Q", title="m"),
            tooltip=["week_start:T", alt.Tooltip("descent_m:Q", format=".0f")],
        )
        .properties(width="container", height=160)
    )
    mo.vstack([mo.md("## Volume"), svg(weekly_chart), svg(descent_chart)])
    return


@app.cell
def _(ALERTS_COLUMN, mo, pain_entries, pain_table):
    if pain_entries.is_empty():
        _out = mo.md(
            "## Pain\n_No pain recorded. Record it with "
            "`gaitload pain add --where heel --side left --score 3`, or write a line like "
            "`pain: left heel 3/10` in an activity's notes (read at every import and sync)._"
        )
    else:
        _out = mo.vstack(
            [
                mo.md(
                    "## Pain\nEach entry next to the running before it: the 7 days up to its "
                    "day against the 7 before, and the load alerts open in the 3 weeks before "
                    "(red lines on the weekly chart)."
                ),
                mo.ui.table(
                    pain_table(pain_entries),
                    selection=None,
                    page_size=10,
                    show_download=False,
                    show_column_summaries=False,
                    show_data_types=False,
                    wrapped_columns=[ALERTS_COLUMN, "place", "note"],
                    column_widths={ALERTS_COLUMN: 380},
                ),
            ]
        )
    mo.output.replace(_out)
    return


@app.cell
def _(alt, days, mo, pl, svg):
    _band = (
        alt.Chart(pl.DataFrame({"low": [0.8], "high": [1.3]}))
        .mark_rect(opacity=0.12, color="#2b8a3e")
        .encode(y="low:Q", y2="high:Q")
    )
    _high = (
        alt.Chart(pl.DataFrame({"y": [1.5]}))
        .mark_rule(color="#c92a2a", strokeDash=[4, 4])
        .encode(y="y:Q")
    )
    _lines = (
        alt.Chart(days)
        .transform_fold(["acwr", "acwr_ewma"], as_=["kind", "ratio"])
        .mark_line()
        .encode(
            x=alt.X("day:T", title="day"),
            y=alt.Y("ratio:Q", title="acute : chronic"),
            color=alt.Color("kind:N", title=None),
        )
    )
    acwr_chart = alt.layer(_band, _high, _lines).properties(
        width="container",
        height=200,
        title="ACWR (band 0.8-1.3, dashed 1.5): context only, never an alert by itself",
    )
    _runs = (
        alt.Chart(days)
        .transform_filter("datum.longest_km > 0")
        .mark_circle(size=40)
        .encode(
            x="day:T",
            y=alt.Y("longest_km:Q", title="km"),
            color=alt.condition(
                "datum.long_run_spike_pct > 10", alt.value("#d9480f"), alt.value("#4263eb")
            ),
            tooltip=[
                "day:T",
                alt.Tooltip("longest_km:Q", format=".1f"),
                alt.Tooltip("long_run_spike_pct:Q", format="+.0f"),
            ],
        )
    )
    _prev = alt.Chart(days).mark_line(color="#868e96").encode(x="day:T", y="longest_prev_30d_km:Q")
    spike_chart = alt.layer(_prev, _runs).properties(
        width="container",
        height=200,
        title="Longest run of the day vs the longest of the 30 days before (grey)",
    )
    mo.vstack([mo.md("## Load ramp"), svg(acwr_chart), svg(spike_chart)])
    return


@app.cell
def _(alt, cadence, mo, pl, shoes, surfaces, svg):
    _points = (
        alt.Chart(cadence)
        .mark_circle(size=40)
        .encode(
            x=alt.X("local_date:T", title="run"),
            y=alt.Y("cadence_spm:Q", title="steps/min", scale=alt.Scale(zero=False)),
            tooltip=[
                "local_date:T",
                alt.Tooltip("cadence_spm:Q", format=".0f"),
                alt.Tooltip("deviation_pct:Q", format="+.1f"),
            ],
        )
    )
    _base = (
        alt.Chart(cadence).mark_line(color="#868e96").encode(x="local_date:T", y="baseline_spm:Q")
    )
    cadence_chart = alt.layer(_base, _points).properties(
        width="container", height=200, title="Cadence per run vs its 8-week baseline (grey)"
    )
    surface_chart = (
        alt.Chart(surfaces, title="Surface mix per week (km)")
        .mark_bar(size=14)
        .encode(
            x=alt.X("week_start:T", title="week"),
            y=alt.Y("km:Q", stack=True),
            color=alt.Color("surface:N"),
            tooltip=["week_start:T", "surface:N", alt.Tooltip("km:Q", format=".1f")],
        )
        .properties(width="container", height=180)
    )
    _bars = (
        alt.Chart(shoes)
        .mark_bar(color="#5f3dc4")
        .encode(
            y=alt.Y("name:N", title=None),
            x=alt.X("km:Q", title="km"),
            tooltip=["name:N", alt.Tooltip("km:Q", format=".0f"), "runs:Q"],
        )
    )
    _limits = (
        alt.Chart(pl.DataFrame({"km": [480, 800], "what": ["info", "warn"]}))
        .mark_rule(strokeDash=[4, 4])
        .encode(
            x="km:Q",
            color=alt.Color("what:N", scale=alt.Scale(range=["#f08c00", "#c92a2a"]), legend=None),
        )
    )
    shoe_chart = alt.layer(_bars, _limits).properties(
        width="container",
        height=max(60, 30 * len(shoes)),
        title="Shoe mileage (480 and 800 km marked)",
    )
    mo.vstack(
        [
            mo.md("## Form and kit"),
            svg(cadence_chart),
            svg(surface_chart),
            svg(shoe_chart) if len(shoes) else mo.md("_No shoes yet: `gaitload shoe add`._"),
        ]
    )
    return


@app.cell
def _(alert_details, alerts, alt, mo, svg):
    import html

    _colors = alt.Scale(domain=["info", "warn", "high"], range=["#868e96", "#f08c00", "#c92a2a"])
    if alerts is None or alerts.is_empty():
        _out = mo.md("## Alerts\n_No alerts: `gaitload alerts` evaluates the rules._")
    else:
        _timeline = (
            alt.Chart(alerts, title="Alert timeline (click an alert below for its evidence)")
            .mark_circle(size=90)
            .encode(
                x=alt.X("date:T", title="opened"),
                y=alt.Y("factor:N", title=None),
                color=alt.Color("severity:N", scale=_colors),
                tooltip=["date:T", "factor:N", "severity:N", "status:N", "title:N"],
            )
            .properties(width="container", height=max(120, 26 * alerts["factor"].n_unique()))
        )

        def _detail(row: dict):
            # message and evidence carry shoe names, run titles and notes: escaped HTML, never
            # markdown (a name could hold a tag, a link or a backtick); the rest is the catalogue
            info = alert_details(row["factor"])
            advice = "\n".join(f"- {a}" for a in info["advice"])
            pro = "\n".join(f"- {p}" for p in info["professional"])
            return mo.vstack(
                [
                    mo.Html(f"<p><strong>{html.escape(row['message'])}</strong></p>"),
                    mo.md(f"*Why it matters:* {info['risk']}"),
                    mo.md(f"*What to do:*\n\n{advice}"),
                    mo.Html(
                        "<p><em>Evidence:</em> "
                        f"<code>{html.escape(str(row['evidence']))}</code></p>"
                    ),
                    mo.md(f"*Basis:* {row['basis']}"),
                    mo.md(f"*Record:* {info['record'] or 'not measured'}"),
                    mo.md(f"*See a professional if:*\n\n{pro}\n\n_{info['not_a_diagnosis']}_"),
                ]
            )

        _items = {
            f"{r['date']} · {r['severity'].upper()} · {r['title']} ({r['status']})": _detail(r)
            for r in alerts.head(30).iter_rows(named=True)
        }
        _out = mo.vstack([mo.md("## Alerts"), svg(_timeline), mo.accordion(_items)])
    mo.output.replace(_out)
    return


if __name__ == "__main__":
    app.run()
