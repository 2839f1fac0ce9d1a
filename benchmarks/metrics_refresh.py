"""Metrics: full rebuild over ten years and the refresh after one new run, vs plain polars.

    python benchmarks/metrics_refresh.py [--runs 3000]

A synthetic athlete (one run every ~29 h for ten years, 40-70 min at 1 Hz: ~3,000 runs and
~10 million samples, noisy altitude, cadence, heart rate) is written straight into the
store's tables. Measured in the same run:

- gaitload full rebuild: `metrics.refresh(full=True)`, then reading every view the rules use;
- gaitload incremental: one new run inserted, `metrics.refresh()`, the same views read;
- plain polars: the same per-activity metrics and daily/weekly/rolling figures computed from
  the samples already in memory (loading them is not counted, which favours polars). Plain
  polars has no stored state, so after one new run it recomputes everything.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb
import polars as pl

from gaitload import metrics, streams
from gaitload.store import db

VIEWS = ("weekly_load", "load_signals", "surface_variety", "cadence_baseline", "gear_usage")


def build(con: duckdb.DuckDBPyConnection, runs: int) -> None:
    con.execute("INSERT INTO core.athletes (name, timezone) VALUES ('bench', 'America/Denver')")
    con.execute(
        """
        INSERT INTO core.activities (athlete_id, source, source_id, sport, sub_sport,
            start_time_utc, utc_offset_min, offset_source, totals_source, distance_m,
            moving_time_s, elapsed_time_s, samples)
        SELECT 1, 'bench', i::VARCHAR, 'running', 'street',
               TIMESTAMP '2016-01-01 13:00' + to_hours(i * 29), -420, 'file', 'session',
               n * 3.0, n, n, n
        FROM (SELECT i, 2400 + (hash(i) % 1800)::INTEGER AS n FROM range(?) t(i))
        """,
        [runs],
    )
    con.execute(
        """
        INSERT INTO core.samples BY NAME
        SELECT activity_id, start_time_utc + to_seconds(k) AS ts, k::DOUBLE AS elapsed_s,
               39.7 + k * 2.7e-5 AS lat, -105.0 AS lon,
               1600 + 40 * sin(k / 300.0) + 3 * (random() - 0.5) AS altitude_m,
               k * 3.0 AS distance_m, 3.0 + 0.4 * sin(k / 90.0) AS speed_m_s,
               (140 + 15 * sin(k / 500.0))::SMALLINT AS heart_rate,
               168 + 4 * sin(k / 200.0) + (random() - 0.5) AS cadence_spm
        FROM (SELECT activity_id, start_time_utc, unnest(range(samples)) AS k
              FROM core.activities)
        """
    )


def read_views(con: duckdb.DuckDBPyConnection) -> None:
    for view in VIEWS:
        con.execute(f"SELECT count(*) FROM (SELECT * FROM {view})").fetchall()


def add_one_run(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        INSERT INTO core.activities (athlete_id, source, source_id, sport, start_time_utc,
            utc_offset_min, offset_source, totals_source, distance_m, moving_time_s, samples)
        SELECT 1, 'bench', 'new', 'running', max(start_time_utc) + INTERVAL 1 DAY, -420, 'file',
               'session', 9000, 3000, 3000 FROM core.activities
        """
    )
    con.execute(
        """
        INSERT INTO core.samples BY NAME
        SELECT activity_id, start_time_utc + to_seconds(k) AS ts, k::DOUBLE AS elapsed_s,
               1600 + 3 * (random() - 0.5) AS altitude_m, k * 3.0 AS distance_m,
               3.0 AS speed_m_s, 150::SMALLINT AS heart_rate, 170.0 AS cadence_spm
        FROM (SELECT activity_id, start_time_utc, unnest(range(3000)) AS k
              FROM core.activities WHERE source_id = 'new')
        """
    )


def plain_polars(samples: pl.DataFrame, activities: pl.DataFrame) -> pl.DataFrame:
    """The same figures in plain polars: per activity from the samples, then by day."""
    s = (
        samples.sort("activity_id", "ts")
        .with_columns(
            gap=pl.col("ts").diff().dt.total_seconds().over("activity_id"),
        )
        .with_columns(
            dt=pl.when(pl.col("gap") <= streams.PAUSE_GAP_S).then(pl.col("gap")).otherwise(0.0),
            alt=pl.col("altitude_m").rolling_mean_by("ts", window_size="31s").over("activity_id"),
            d_dist=pl.col("distance_m").diff().clip(0).over("activity_id"),
            hrr=((pl.col("heart_rate") - 60) / 130).clip(0, 1),
        )
        .with_columns(
            grade=(
                (pl.col("alt") - pl.col("alt").shift(30))
                / (pl.col("distance_m") - pl.col("distance_m").shift(30))
            ).over("activity_id"),
            cum=pl.col("dt").cum_sum().over("activity_id"),
            total=pl.col("dt").sum().over("activity_id"),
        )
    )
    per_activity = s.group_by("activity_id").agg(
        moving_s=pl.col("dt").sum(),
        gain=pl.col("alt").map_batches(
            lambda a: pl.Series([list(streams.gain(a.drop_nulls().to_list(), 2.0))]),
            returns_scalar=True,
            return_dtype=pl.List(pl.Float64),
        ),
        up5=pl.col("d_dist").filter(pl.col("grade") > 0.05).sum(),
        down5=pl.col("d_dist").filter(pl.col("grade") < -0.05).sum(),
        cadence=(pl.col("cadence_spm") * pl.col("dt")).sum() / pl.col("dt").sum(),
        first=pl.col("cadence_spm").filter(pl.col("cum") <= pl.col("total") / 3).mean(),
        last=pl.col("cadence_spm").filter(pl.col("cum") > 2 * pl.col("total") / 3).mean(),
        trimp=(pl.col("dt") / 60 * pl.col("hrr") * 0.64 * (1.92 * pl.col("hrr")).exp()).sum(),
    )
    days = (
        activities.join(per_activity, on="activity_id")
        .with_columns(
            day=(
                pl.col("start_time_utc") + pl.duration(minutes=pl.col("utc_offset_min"))
            ).dt.date(),
            effort=pl.col("distance_m") / 1000 + pl.col("gain").list.get(0) / 100,
        )
        .group_by("day")
        .agg(
            pl.col("distance_m").sum(),
            pl.col("distance_m").max().alias("longest"),
            pl.col("effort").sum(),
        )
    )
    calendar = pl.DataFrame(
        {"day": pl.date_range(days["day"].min(), days["day"].max(), eager=True)}
    )
    daily = calendar.join(days, on="day", how="left").fill_null(0).sort("day")
    signals = daily.with_columns(
        d7=pl.col("distance_m").rolling_sum(7, min_samples=1),
        longest_prev_30=pl.col("longest").shift(1).rolling_max(30, min_samples=1),
        acute=pl.col("effort").rolling_mean(7, min_samples=1),
        chronic=pl.col("effort").rolling_mean(28, min_samples=28),
        monotony=pl.col("effort").rolling_mean(7) / pl.col("effort").rolling_std(7, ddof=0),
        ewma=pl.col("effort").ewm_mean(alpha=2 / 8, adjust=False),
    ).with_columns(
        ramp=pl.col("d7") / pl.col("d7").shift(7) - 1, acwr=pl.col("acute") / pl.col("chronic")
    )
    weekly = daily.group_by_dynamic("day", every="1w").agg(pl.col("distance_m").sum())
    return signals.join(weekly, on="day", how="left")


def timed(fn, repeat: int = 2) -> float:
    """The best of `repeat` runs: the first also pays for warming caches and thread pools."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        con = db.connect(Path(tmp) / "bench.duckdb")
        print("building", args.runs, "runs ...", flush=True)
        build(con, args.runs)
        (samples_n,) = con.execute("SELECT count(*) FROM core.samples").fetchall()[0]
        print(f"{args.runs} runs, {samples_n:,} samples")

        full = timed(lambda: (metrics.refresh(con, full=True), read_views(con)))
        samples = con.sql("SELECT * FROM core.samples").pl()
        activities = con.sql("SELECT * FROM core.activities").pl()
        polars_full = timed(lambda: plain_polars(samples, activities))

        add_one_run(con)
        incremental = timed(lambda: (metrics.refresh(con), read_views(con)), repeat=1)
        samples = con.sql("SELECT * FROM core.samples").pl()
        activities = con.sql("SELECT * FROM core.activities").pl()
        polars_again = timed(lambda: plain_polars(samples, activities))
        views_only = timed(lambda: read_views(con))
        con.close()

    print(f"{'':44} {'seconds':>8} {'vs polars':>10}")
    print(f"{'plain polars, everything':44} {polars_full:8.2f} {1:9.2f}x")
    print(
        f"{'gaitload full rebuild (+ reading the views)':44} {full:8.2f} {polars_full / full:9.2f}x"
    )
    print(f"{'plain polars after one new run (everything)':44} {polars_again:8.2f} {1:9.2f}x")
    print(
        f"{'gaitload refresh after one new run (+ views)':44} {incremental:8.2f} "
        f"{polars_again / incremental:9.2f}x"
    )
    print(f"{'  of which reading the views':44} {views_only:8.2f}")


if __name__ == "__main__":
    main()
