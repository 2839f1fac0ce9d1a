"""gaitload analysis notebook: ask your own questions in SQL, next to the dashboard.

    marimo edit dashboards/analysis.py       (or: marimo run dashboards/analysis.py)

It opens the readers' snapshot (`<db>.snapshot`), never the live file, so it can stay open
while the nightly run writes, through gaitload's locked reader: the cells read that
database and nothing else, and cannot write anywhere. Every cell below is plain DuckDB SQL
over the documented views (docs/schema.md); edit them or add your own.
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="gaitload analysis")


@app.cell
def _():
    import marimo as mo

    from gaitload.config import load_settings
    from gaitload.read.notebook import snapshot_reader

    con, _snapshot = snapshot_reader(load_settings())
    mo.md(f"Reading **{_snapshot}** (the last write's snapshot).")
    return con, mo


@app.cell
def _(con, mo):
    _weekly = mo.sql(
        """
        SELECT athlete, week_start, round(km, 1) AS km, runs, rest_days,
               round(km_change_pct) AS change_pct
        FROM weekly_load
        ORDER BY athlete, week_start DESC
        LIMIT 26
        """,
        engine=con,
    )
    return


@app.cell
def _(con, mo):
    _spikes = mo.sql(
        """
        SELECT athlete, day, round(longest_run_m / 1000, 1) AS km,
               round(longest_prev_30d_m / 1000, 1) AS longest_before_km,
               round(long_run_spike_pct) AS spike_pct
        FROM load_signals
        WHERE long_run_spike_pct > 10
        ORDER BY day DESC
        """,
        engine=con,
    )
    return


@app.cell
def _(con, mo):
    _cadence = mo.sql(
        """
        SELECT athlete, local_date, round(cadence_spm) AS spm,
               round(baseline_spm) AS baseline, round(deviation_pct, 1) AS deviation_pct
        FROM cadence_baseline
        ORDER BY local_date DESC
        LIMIT 30
        """,
        engine=con,
    )
    return


if __name__ == "__main__":
    app.run()
