-- Daily signals over the last $weeks weeks.
SELECT day, acwr, acwr_ewma, longest_run_m / 1000 AS longest_km,
       longest_prev_30d_m / 1000 AS longest_prev_30d_km, long_run_spike_pct
FROM load_signals
WHERE athlete = $athlete
QUALIFY day >= max(day) OVER () - INTERVAL ($weeks * 7) DAY
ORDER BY day
