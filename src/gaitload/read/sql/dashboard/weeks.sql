-- The last $weeks weeks: distance, ramp, descent.
SELECT week_start, km, runs, rest_days, km_change_pct, descent_m, longest_run_m / 1000 AS longest_km,
       coalesce(km_change_pct > 10 AND km - lag(km) OVER (ORDER BY week_start) >= 5, false)
           AS ramp_flag
FROM weekly_load
WHERE athlete = $athlete
QUALIFY week_start >= max(week_start) OVER () - INTERVAL ($weeks * 7) DAY
ORDER BY week_start
