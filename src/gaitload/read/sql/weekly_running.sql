-- Running per local calendar week (Monday start), for the import summary.
SELECT week_start, runs, km, longest_run_m / 1000 AS longest_km, rest_days, km_change_pct
FROM weekly_load
WHERE athlete = $athlete
ORDER BY week_start
