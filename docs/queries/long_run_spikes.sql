-- Days whose longest run was more than 10 % longer than any of the 30 days before.
SELECT athlete, day, round(longest_run_m / 1000, 1) AS km,
       round(longest_prev_30d_m / 1000, 1) AS longest_before_km,
       round(long_run_spike_pct) AS spike_pct
FROM load_signals
WHERE long_run_spike_pct > 10
ORDER BY athlete, day;
