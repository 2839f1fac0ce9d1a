-- The athlete's load signals on the last day of their calendar (today, local).
SELECT s.day, s.distance_7d_m / 1000 AS km_7d, s.distance_prev_7d_m / 1000 AS km_prev_7d,
       s.ramp_7d_pct, s.longest_prev_30d_m / 1000 AS longest_prev_30d_km,
       (SELECT max(long_run_spike_pct) FROM load_signals x
        WHERE x.athlete = s.athlete AND x.day > s.day - 7 AND x.day <= s.day) AS spike_7d_pct,
       s.consecutive_run_days, s.rest_days_14d, s.acwr, s.monotony_7d,
       v.top_surface_28d, v.top_share_28d, s.descent_ratio
FROM load_signals s JOIN surface_variety v USING (athlete, day)
WHERE s.athlete = $athlete
ORDER BY s.day DESC
LIMIT 1
