-- long_run_spike: a day's longest run against the longest of the 30 days before it
-- (Frandsen 2025). Needs 30 days of history: a first run is not a spike.
WITH s AS (
    SELECT l.*, min(l.day) OVER () AS first_day
    FROM load_signals l
    WHERE l.athlete = $athlete AND l.day <= $as_of
)
SELECT s.athlete, s.day,
       CASE WHEN s.long_run_spike_pct > $high_pct THEN 'high' ELSE 'warn' END AS severity,
       json_object(
           'day', s.day,
           'run_km', round(s.longest_run_m / 1000, 1),
           'longest_prev_30d_km', round(s.longest_prev_30d_m / 1000, 1),
           'spike_pct', round(s.long_run_spike_pct),
           'above_high', s.long_run_spike_pct > $high_pct,
           'run_name', (SELECT arg_max(a.name, a.distance_m) FROM activities a
                        WHERE a.athlete = s.athlete AND a.sport = 'running'
                          AND a.start_time_local::DATE = s.day)
       ) AS evidence
FROM s
WHERE s.day >= s.first_day + 30
  AND s.longest_prev_30d_m > 0
  AND s.long_run_spike_pct > $warn_pct
