-- The look-back's measures for the window and the usual period before it (one row each;
-- none for the usual period when it has no days). Per-week figures are totals / (days / 7),
-- `days` being the period's local calendar days inside the athlete's history. The window's
-- top surface and main shoe are looked up in both periods.
WITH periods AS (
    SELECT * FROM (VALUES ('window', $window_first::DATE, $window_last::DATE),
                          ('usual', $usual_first::DATE, $usual_last::DATE))
        p(period, first_day, last_day)
    WHERE first_day IS NOT NULL
),
days AS (
    SELECT p.period, d.*
    FROM periods p
    JOIN daily_load d ON d.athlete = $athlete AND d.day BETWEEN p.first_day AND p.last_day
),
runs AS (
    SELECT p.period, m.distance_m, m.moving_time_s, m.cadence_spm, m.surface, m.gear_id,
           coalesce(m.distance_up5_m, 0) + coalesce(m.distance_down5_m, 0) AS steep_m
    FROM periods p
    JOIN activity_metrics m
      ON m.athlete = $athlete AND m.activity_class = 'run'
     AND m.local_date BETWEEN p.first_day AND p.last_day
),
streaks AS (  -- islands of consecutive running days, inside the period
    SELECT period, count(*) AS days
    FROM (SELECT period, day - row_number() OVER (PARTITION BY period ORDER BY day)::INTEGER
                     AS island
          FROM days WHERE runs > 0)
    GROUP BY period, island
),
totals AS (
    SELECT period,
           count(*) AS days,
           sum(distance_m) AS distance_m,
           max(longest_run_m) AS longest_run_m,
           sum(runs) AS runs,
           count(*) FILTER (WHERE rest_day) AS rest_days,
           sum(descent_m) AS descent_m,
           sum(cross_training_s) AS cross_training_s,
           sum(moving_time_s) AS run_time_s
    FROM days GROUP BY period
),
top_surface AS (
    SELECT surface FROM runs
    WHERE period = 'window' AND surface <> 'unknown' AND distance_m > 0
    GROUP BY surface ORDER BY sum(distance_m) DESC, surface LIMIT 1
),
usual_top AS (
    SELECT surface, sum(distance_m) AS distance_m FROM runs
    WHERE period = 'usual' AND surface <> 'unknown' AND distance_m > 0
    GROUP BY surface ORDER BY distance_m DESC, surface LIMIT 1
),
main_shoe AS (
    SELECT gear_id FROM runs
    WHERE period = 'window' AND gear_id IS NOT NULL AND distance_m > 0
    GROUP BY gear_id ORDER BY sum(distance_m) DESC, gear_id LIMIT 1
),
by_runs AS (
    SELECT period,
           sum(steep_m) AS steep_m,
           sum(cadence_spm * moving_time_s) FILTER (WHERE cadence_spm > 0 AND moving_time_s > 0)
               / sum(moving_time_s) FILTER (WHERE cadence_spm > 0 AND moving_time_s > 0)
               AS cadence_spm,
           coalesce(sum(distance_m) FILTER (WHERE surface = (SELECT surface FROM top_surface)), 0)
               / nullif(sum(distance_m) FILTER (WHERE surface <> 'unknown'), 0)
               AS top_surface_share,
           coalesce(sum(distance_m) FILTER (WHERE gear_id = (SELECT gear_id FROM main_shoe)), 0)
               AS main_shoe_m
    FROM runs GROUP BY period
)
SELECT t.period,
       t.days,
       t.distance_m / 1000 / (t.days / 7) AS run_km_per_week,
       t.longest_run_m / 1000 AS longest_run_km,
       t.runs / (t.days / 7) AS runs_per_week,
       t.rest_days / (t.days / 7) AS rest_days_per_week,
       coalesce((SELECT max(s.days) FROM streaks s WHERE s.period = t.period), 0)
           AS longest_streak_days,
       t.descent_m / (t.days / 7) AS descent_m_per_week,
       coalesce(r.steep_m, 0) / 1000 / (t.days / 7) AS steep_km_per_week,
       r.cadence_spm,
       CASE WHEN (SELECT surface FROM top_surface) IS NOT NULL
            THEN coalesce(r.top_surface_share, 0) END AS top_surface_share,
       t.cross_training_s / nullif(t.cross_training_s + t.run_time_s, 0) AS cross_training_share,
       CASE WHEN (SELECT gear_id FROM main_shoe) IS NOT NULL
            THEN coalesce(r.main_shoe_m, 0) / 1000 / (t.days / 7) END AS main_shoe_km_per_week,
       (SELECT surface FROM top_surface) AS top_surface,
       (SELECT surface FROM usual_top) AS usual_top_surface,
       (SELECT u.distance_m FROM usual_top u)
           / nullif((SELECT sum(distance_m) FROM runs
                     WHERE period = 'usual' AND surface <> 'unknown'), 0) AS usual_top_share,
       (SELECT gear_id FROM main_shoe) AS main_shoe,
       (SELECT coalesce(g.name, m.gear_id) FROM main_shoe m
        LEFT JOIN gear g ON g.gear_id = m.gear_id) AS main_shoe_name,
       (SELECT sum(a.distance_m) / 1000 FROM activity_metrics a
        WHERE a.athlete = $athlete AND a.activity_class = 'run'
          AND a.gear_id = (SELECT gear_id FROM main_shoe) AND a.local_date <= $window_last)
           AS main_shoe_km_before
FROM totals t
LEFT JOIN by_runs r USING (period)
ORDER BY t.period = 'usual'
