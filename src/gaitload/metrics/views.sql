-- Metric views over activities (documented in docs/schema.md).
-- Recreated by a write-open when they changed (store.db).

-- One row per activity with its stream metrics, class and surface.
CREATE OR REPLACE VIEW activity_metrics AS
SELECT
    a.activity_id,
    a.athlete,
    a.start_time_utc,
    a.start_time_local,
    a.start_time_local::DATE AS local_date,
    a.sport,
    a.sub_sport,
    CASE WHEN a.sport = 'running' THEN 'run'
         WHEN a.sport IN ('transition', 'generic') THEN 'other'
         ELSE 'cross_training' END AS activity_class,
    CASE WHEN a.sport <> 'running' THEN NULL
         WHEN a.surface IS NOT NULL THEN a.surface
         WHEN NOT coalesce(m.has_gps, false) AND a.distance_m > 0 THEN 'treadmill'
         WHEN m.has_gps AND m.gps_extent_m < 250 AND a.distance_m >= 1600 THEN 'track'
         WHEN m.has_gps
              AND (m.ascent_m + m.descent_m) / nullif(a.distance_m / 1000, 0) > 50 THEN 'trail'
         WHEN m.has_gps THEN 'road'
         ELSE 'unknown' END AS surface,
    CASE WHEN a.sport <> 'running' THEN NULL
         WHEN a.surface IS NOT NULL THEN 'source'
         ELSE 'inferred' END AS surface_source,
    a.distance_m,
    a.moving_time_s,
    coalesce(m.ascent_m, a.ascent_m) AS ascent_m,
    coalesce(m.descent_m, a.descent_m) AS descent_m,
    a.ascent_m AS device_ascent_m,
    coalesce(m.ascent_m, a.ascent_m) / nullif(a.distance_m / 1000, 0) AS climb_m_per_km,
    m.distance_up5_m,
    m.distance_down5_m,
    coalesce(m.cadence_avg_spm, a.avg_cadence_spm) AS cadence_spm,
    m.cadence_p10_spm,
    m.cadence_p50_spm,
    m.cadence_p90_spm,
    m.cadence_first_third_spm,
    m.cadence_last_third_spm,
    m.cadence_first_third_spm - m.cadence_last_third_spm AS cadence_drop_spm,
    coalesce(m.hr_avg, a.avg_hr) AS hr_avg,
    m.trimp,
    -- load without heart rate: km plus climb (100 m up ~ 1 km flat); time at 6:00/km if
    -- there is no distance. No run ever counts as zero.
    CASE WHEN a.sport <> 'running' THEN NULL
         WHEN a.distance_m > 0
              THEN a.distance_m / 1000 + coalesce(m.ascent_m, a.ascent_m, 0) / 100
         ELSE coalesce(a.moving_time_s, a.elapsed_time_s, 0) / 360 END AS effort_km,
    coalesce(a.gear_id, (
        SELECT g.gear_id FROM core.gear g JOIN core.athletes t USING (athlete_id)
        WHERE t.name = a.athlete AND g.in_use_from <= a.start_time_local::DATE
          AND a.sport = 'running' AND g.kind = 'shoe'
        ORDER BY g.in_use_from DESC LIMIT 1)) AS gear_id,
    a.partial
FROM activities a
LEFT JOIN core.activity_metrics m USING (activity_id);

CREATE OR REPLACE VIEW activity_grades AS
SELECT g.activity_id, a.athlete, g.grade_bin, g.grade_from AS grade_from_pct, g.distance_m
FROM core.activity_grades g JOIN activities a USING (activity_id);

CREATE OR REPLACE VIEW activity_cadence_pace AS
SELECT c.activity_id, a.athlete, c.speed_bin AS speed_from_m_s, c.seconds, c.cadence_spm
FROM core.activity_cadence_pace c JOIN activities a USING (activity_id);

-- Every local calendar day from an athlete's first activity to today: a day without a run
-- is a rest day, not a missing row.
CREATE OR REPLACE VIEW daily_load AS
WITH bounds AS (
    SELECT m.athlete, min(m.local_date) AS first_day,
           greatest(max(m.local_date), (now() AT TIME ZONE any_value(t.timezone))::DATE)
               AS last_day
    FROM activity_metrics m JOIN athletes t USING (athlete)
    GROUP BY m.athlete
),
calendar AS (
    SELECT athlete, unnest(generate_series(first_day, last_day, INTERVAL 1 DAY))::DATE AS day
    FROM bounds
),
per_day AS (
    SELECT athlete, local_date AS day,
           count(*) FILTER (WHERE activity_class = 'run') AS runs,
           sum(distance_m) FILTER (WHERE activity_class = 'run') AS distance_m,
           sum(moving_time_s) FILTER (WHERE activity_class = 'run') AS moving_time_s,
           sum(ascent_m) FILTER (WHERE activity_class = 'run') AS ascent_m,
           sum(descent_m) FILTER (WHERE activity_class = 'run') AS descent_m,
           max(distance_m) FILTER (WHERE activity_class = 'run') AS longest_run_m,
           max(coalesce(distance_up5_m, 0) + coalesce(distance_down5_m, 0))
               FILTER (WHERE activity_class = 'run' AND descent_m IS NOT NULL) AS steepest_run_m,
           sum(effort_km) AS effort_km,
           sum(trimp) AS trimp,
           sum(moving_time_s) FILTER (WHERE activity_class = 'cross_training')
               AS cross_training_s
    FROM activity_metrics
    GROUP BY ALL
)
SELECT c.athlete, c.day,
       coalesce(p.runs, 0)::INTEGER AS runs,
       coalesce(p.runs, 0) = 0 AS rest_day,
       coalesce(p.distance_m, 0) AS distance_m,
       coalesce(p.distance_m, 0) / 1000 AS km,
       coalesce(p.moving_time_s, 0) AS moving_time_s,
       coalesce(p.ascent_m, 0) AS ascent_m,
       coalesce(p.descent_m, 0) AS descent_m,
       coalesce(p.longest_run_m, 0) AS longest_run_m,
       coalesce(p.steepest_run_m, 0) AS steepest_run_m,
       coalesce(p.effort_km, 0) AS effort_km,
       coalesce(p.trimp, 0) AS trimp,
       coalesce(p.cross_training_s, 0) AS cross_training_s
FROM calendar c LEFT JOIN per_day p USING (athlete, day);

CREATE OR REPLACE VIEW weekly_load AS
SELECT athlete,
       date_trunc('week', day)::DATE AS week_start,
       sum(km) AS km,
       sum(distance_m) AS distance_m,
       sum(moving_time_s) AS moving_time_s,
       sum(runs)::INTEGER AS runs,
       count(*) FILTER (WHERE rest_day)::INTEGER AS rest_days,
       count(*)::INTEGER AS days,
       sum(ascent_m) AS ascent_m,
       sum(descent_m) AS descent_m,
       max(longest_run_m) AS longest_run_m,
       sum(effort_km) AS effort_km,
       sum(trimp) AS trimp,
       sum(cross_training_s) AS cross_training_s,
       (sum(km) - lag(sum(km)) OVER w) / nullif(lag(sum(km)) OVER w, 0) * 100 AS km_change_pct
FROM daily_load
GROUP BY athlete, week_start
WINDOW w AS (PARTITION BY athlete ORDER BY date_trunc('week', day)::DATE);

-- The ramp signals, one row per athlete and day (windows end on and include that day).
CREATE OR REPLACE VIEW load_signals AS
WITH d AS (
    SELECT *, sum(rest_day::INTEGER) OVER (PARTITION BY athlete ORDER BY day) AS rest_block
    FROM daily_load
)
SELECT athlete, day, runs, distance_m, longest_run_m, effort_km,
    sum(distance_m) OVER w7 AS distance_7d_m,
    sum(distance_m) OVER prev7 AS distance_prev_7d_m,
    (sum(distance_m) OVER w7 - sum(distance_m) OVER prev7)
        / nullif(sum(distance_m) OVER prev7, 0) * 100 AS ramp_7d_pct,
    max(longest_run_m) OVER prev30 AS longest_prev_30d_m,
    CASE WHEN runs > 0 THEN (longest_run_m - max(longest_run_m) OVER prev30)
        / nullif(max(longest_run_m) OVER prev30, 0) * 100 END AS long_run_spike_pct,
    avg(effort_km) OVER w7 AS acute_load,
    avg(effort_km) OVER w28 AS chronic_load,
    -- a chronic load needs 28 days of history behind it
    CASE WHEN count(*) OVER w28 = 28
         THEN avg(effort_km) OVER w7 / nullif(avg(effort_km) OVER w28, 0) END AS acwr,
    -- EWMA (Williams 2017): lambda = 2 / (N + 1), over the last 200 days
    list_reduce(list(effort_km) OVER w200, lambda acc, x: acc * (1 - 2 / 8) + x * (2 / 8))
        AS ewma_acute,
    list_reduce(list(effort_km) OVER w200, lambda acc, x: acc * (1 - 2 / 29) + x * (2 / 29))
        AS ewma_chronic,
    list_reduce(list(effort_km) OVER w200, lambda acc, x: acc * (1 - 2 / 8) + x * (2 / 8))
        / nullif(list_reduce(list(effort_km) OVER w200,
                             lambda acc, x: acc * (1 - 2 / 29) + x * (2 / 29)), 0)
        AS acwr_ewma,
    -- Foster: mean daily load / its standard deviation over 7 days; strain = weekly x monotony
    avg(effort_km) OVER w7 / nullif(stddev_pop(effort_km) OVER w7, 0) AS monotony_7d,
    sum(effort_km) OVER w7 * avg(effort_km) OVER w7 / nullif(stddev_pop(effort_km) OVER w7, 0)
        AS strain_7d,
    (count(*) FILTER (WHERE rest_day) OVER w7)::INTEGER AS rest_days_7d,
    (count(*) FILTER (WHERE rest_day) OVER w14)::INTEGER AS rest_days_14d,
    sum((runs > 0)::INTEGER) OVER (PARTITION BY athlete, rest_block ORDER BY day)::INTEGER
        AS consecutive_run_days,
    sum(descent_m) OVER w7 AS descent_7d_m,
    sum(descent_m) OVER w28 / 4 AS descent_28d_weekly_avg_m,
    sum(descent_m) OVER w7 / nullif(sum(descent_m) OVER w28 / 4, 0) AS descent_ratio,
    sum(cross_training_s) OVER w28 AS cross_training_28d_s,
    sum(cross_training_s) OVER w28
        / nullif(sum(cross_training_s + moving_time_s) OVER w28, 0) AS cross_training_share_28d
FROM d
WINDOW
    w7 AS (PARTITION BY athlete ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW),
    prev7 AS (PARTITION BY athlete ORDER BY day ROWS BETWEEN 13 PRECEDING AND 7 PRECEDING),
    w14 AS (PARTITION BY athlete ORDER BY day ROWS BETWEEN 13 PRECEDING AND CURRENT ROW),
    w28 AS (PARTITION BY athlete ORDER BY day ROWS BETWEEN 27 PRECEDING AND CURRENT ROW),
    prev30 AS (PARTITION BY athlete ORDER BY day ROWS BETWEEN 30 PRECEDING AND 1 PRECEDING),
    w200 AS (PARTITION BY athlete ORDER BY day ROWS BETWEEN 199 PRECEDING AND CURRENT ROW);

-- Running distance per surface over the 7 and 28 days ending on each day, and the 28 days
-- before those 7 (for sudden switches).
CREATE OR REPLACE VIEW surface_mix AS
WITH surfaces AS (
    SELECT unnest(['road', 'trail', 'track', 'treadmill', 'unknown']) AS surface
),
per_day AS (
    SELECT athlete, local_date AS day, surface, sum(distance_m) AS distance_m
    FROM activity_metrics WHERE activity_class = 'run'
    GROUP BY ALL
),
dense AS (
    SELECT c.athlete, c.day, s.surface, coalesce(p.distance_m, 0) AS distance_m
    FROM daily_load c CROSS JOIN surfaces s
    LEFT JOIN per_day p ON p.athlete = c.athlete AND p.day = c.day AND p.surface = s.surface
),
windows AS (
    SELECT athlete, day, surface,
           sum(distance_m) OVER w7 AS distance_7d_m,
           sum(distance_m) OVER w28 AS distance_28d_m,
           sum(distance_m) OVER before AS distance_prev_28d_m
    FROM dense
    WINDOW w7 AS (PARTITION BY athlete, surface ORDER BY day
                  ROWS BETWEEN 6 PRECEDING AND CURRENT ROW),
           w28 AS (PARTITION BY athlete, surface ORDER BY day
                   ROWS BETWEEN 27 PRECEDING AND CURRENT ROW),
           before AS (PARTITION BY athlete, surface ORDER BY day
                      ROWS BETWEEN 34 PRECEDING AND 7 PRECEDING)
)
SELECT athlete, day, surface, distance_7d_m, distance_28d_m, distance_prev_28d_m,
       distance_7d_m / nullif(sum(distance_7d_m) OVER d, 0) AS share_7d,
       distance_28d_m / nullif(sum(distance_28d_m) OVER d, 0) AS share_28d,
       distance_prev_28d_m / nullif(sum(distance_prev_28d_m) OVER d, 0) AS share_prev_28d
FROM windows
WINDOW d AS (PARTITION BY athlete, day);

-- Per day: the 28-day surface evenness (Pielou: Shannon entropy / ln 4 known surfaces;
-- 0 = one surface only, 1 = all four equally) and the dominant surface.
CREATE OR REPLACE VIEW surface_variety AS
SELECT athlete, day,
       -- CASE, not FILTER: DuckDB before 2.0 evaluates ln(0) for filtered rows, and raises
       coalesce(-sum(CASE WHEN share_28d > 0 THEN share_28d * ln(share_28d) END) / ln(4), 0)
           AS evenness_28d,
       arg_max(surface, share_28d) AS top_surface_28d,
       max(share_28d) AS top_share_28d,
       sum(distance_28d_m) AS distance_28d_m
FROM (SELECT * FROM surface_mix WHERE surface <> 'unknown')
GROUP BY athlete, day;

-- Each run's cadence against the athlete's previous 8 weeks, pace for pace where possible.
CREATE OR REPLACE VIEW cadence_baseline AS
WITH runs AS (
    SELECT activity_id, athlete, local_date, cadence_spm, moving_time_s
    FROM activity_metrics WHERE activity_class = 'run' AND cadence_spm > 0
),
bins AS (
    SELECT r.activity_id, r.athlete, r.local_date, c.speed_bin, c.seconds, c.cadence_spm
    FROM runs r JOIN core.activity_cadence_pace c USING (activity_id)
),
-- each band against the same band of the runs before it: a window, not a self-join (the
-- join paired every run with ~50 earlier ones, band by band)
matched AS (
    SELECT activity_id, speed_bin, seconds,
           sum(cadence_spm * seconds) OVER before / sum(seconds) OVER before AS baseline_spm,
           count(*) OVER before AS earlier
    FROM bins
    WINDOW before AS (PARTITION BY athlete, speed_bin ORDER BY local_date
                      RANGE BETWEEN INTERVAL 56 DAYS PRECEDING AND INTERVAL 1 DAY PRECEDING)
),
pace_matched AS (
    SELECT m.activity_id,
           sum(m.baseline_spm * m.seconds) / sum(m.seconds) AS baseline_pace_spm,
           sum(m.seconds) AS matched_s
    FROM matched m WHERE m.earlier > 0 GROUP BY m.activity_id
),
overall AS (
    SELECT activity_id,
           sum(cadence_spm * moving_time_s) OVER before / sum(moving_time_s) OVER before
               AS baseline_all_spm,
           nullif(count(*) OVER before, 0) AS baseline_runs
    FROM runs
    WINDOW before AS (PARTITION BY athlete ORDER BY local_date
                      RANGE BETWEEN INTERVAL 56 DAYS PRECEDING AND INTERVAL 1 DAY PRECEDING)
),
moving AS (
    SELECT activity_id, sum(seconds) AS binned_s
    FROM core.activity_cadence_pace GROUP BY activity_id
)
SELECT r.activity_id, r.athlete, r.local_date, r.cadence_spm,
       o.baseline_runs,
       o.baseline_all_spm,
       p.baseline_pace_spm,
       p.matched_s / nullif(mv.binned_s, 0) AS pace_matched_share,
       CASE WHEN p.matched_s / nullif(mv.binned_s, 0) >= 0.5 THEN p.baseline_pace_spm
            ELSE o.baseline_all_spm END AS baseline_spm,
       (r.cadence_spm - CASE WHEN p.matched_s / nullif(mv.binned_s, 0) >= 0.5
                             THEN p.baseline_pace_spm ELSE o.baseline_all_spm END)
           / nullif(CASE WHEN p.matched_s / nullif(mv.binned_s, 0) >= 0.5
                         THEN p.baseline_pace_spm ELSE o.baseline_all_spm END, 0) * 100
           AS deviation_pct
FROM runs r
LEFT JOIN overall o USING (activity_id)
LEFT JOIN pace_matched p USING (activity_id)
LEFT JOIN moving mv USING (activity_id);

-- Distance per shoe (or bike): what gaitload has seen, and what the source says.
CREATE OR REPLACE VIEW gear_usage AS
SELECT g.gear_id, g.athlete, g.kind, g.name, g.retired,
       count(m.activity_id) FILTER (WHERE m.activity_class = 'run') AS runs,
       coalesce(sum(m.distance_m), 0) AS distance_m,
       g.source_distance_m,
       min(m.local_date) AS first_used,
       max(m.local_date) AS last_used
FROM gear g
LEFT JOIN activity_metrics m ON m.gear_id = g.gear_id
GROUP BY ALL;
