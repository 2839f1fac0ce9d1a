-- surface_variety: one surface for nearly all of 28 days (info); a sudden switch to a surface
-- hardly run on in the 28 days before, or a varied mix collapsing onto a minor surface
-- (warn), in 7 days with a few runs (one run is not a week on a surface). The comparisons
-- need 35 days of history, the 28-day share 28.
WITH mix AS (
    SELECT m.*, min(m.day) OVER () AS first_day
    FROM surface_mix m
    WHERE m.athlete = $athlete AND m.day <= $as_of AND m.surface <> 'unknown'
),
per_day AS (
    SELECT day, any_value(first_day) AS first_day,
           sum(distance_7d_m) AS distance_7d_m,
           sum(distance_prev_28d_m) AS distance_prev_28d_m,
           -- CASE, not FILTER: DuckDB before 2.0 evaluates ln(0) for filtered rows, and raises
           coalesce(-sum(CASE WHEN share_prev_28d > 0 THEN share_prev_28d * ln(share_prev_28d) END)
                    / ln(4), 0) AS prev_evenness,
           arg_max({'surface': surface, 'share_7d': share_7d, 'prev': share_prev_28d}, share_7d)
               FILTER (WHERE share_7d > $warn_switch_share_7d
                         AND share_prev_28d < $warn_switch_prev_share) AS switch,
           arg_max({'surface': surface, 'share_7d': share_7d, 'prev': share_prev_28d}, share_7d)
               FILTER (WHERE share_7d >= $warn_collapse_share_7d
                         AND share_prev_28d < $warn_collapse_prev_share) AS collapse
    FROM mix
    GROUP BY day
),
runs AS (
    SELECT day, sum(runs) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS runs_7d
    FROM daily_load
    WHERE athlete = $athlete AND day <= $as_of
),
judged AS (
    SELECT p.*, v.top_surface_28d, v.top_share_28d, v.distance_28d_m,
           CASE WHEN p.day >= p.first_day + 34 AND p.distance_prev_28d_m > 0
                     AND r.runs_7d >= $min_runs_7d
                     AND (p.switch IS NOT NULL OR (p.collapse IS NOT NULL
                          AND p.prev_evenness >= $warn_collapse_prev_evenness)) THEN 'warn'
                WHEN p.day >= p.first_day + 27 AND v.distance_28d_m > 0
                     AND v.top_share_28d >= $info_top_share_28d THEN 'info' END AS severity
    FROM per_day p
    JOIN surface_variety v ON v.athlete = $athlete AND v.day = p.day
    JOIN runs r ON r.day = p.day
)
SELECT $athlete AS athlete, day, severity,
       json_object(
           'day', day,
           'switch_surface', CASE WHEN severity = 'warn' THEN switch.surface END,
           'switch_share_7d_pct', round(switch.share_7d * 100),
           'switch_prev_share_pct', round(switch.prev * 100),
           'collapse_surface', CASE WHEN severity = 'warn' AND switch IS NULL
                                    THEN collapse.surface END,
           'collapse_share_7d_pct', round(collapse.share_7d * 100),
           'prev_evenness', round(prev_evenness, 2),
           'top_surface_28d', top_surface_28d,
           'top_share_28d_pct', round(top_share_28d * 100)
       ) AS evidence
FROM judged
WHERE severity IS NOT NULL
