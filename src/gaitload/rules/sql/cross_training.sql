-- cross_training: running load rising with no cross-training at all in 28 days (info).
WITH s AS (
    SELECT l.*, min(l.day) OVER () AS first_day
    FROM load_signals l
    WHERE l.athlete = $athlete AND l.day <= $as_of
)
SELECT athlete, day, 'info' AS severity,
       json_object(
           'day', day,
           'ramp_7d_pct', round(ramp_7d_pct),
           'distance_7d_km', round(distance_7d_m / 1000, 1),
           'distance_prev_7d_km', round(distance_prev_7d_m / 1000, 1),
           'cross_training_28d_h', round(cross_training_28d_s / 3600, 1)
       ) AS evidence
FROM s
WHERE day >= first_day + 27
  AND cross_training_28d_s = 0
  AND ramp_7d_pct > $info_rising_pct
