-- load_ramp: this calendar week's running so far (Monday start, local) against the whole of
-- the week before. Fires the day the week's total has already passed the threshold, so a
-- long run moving in or out of a rolling 7-day window cannot fire it on its own; the rolling
-- 7-day figures go into the evidence.
WITH days AS (
    SELECT athlete, day, distance_m, date_trunc('week', day)::DATE AS week_start,
           min(day) OVER () AS first_day
    FROM daily_load
    WHERE athlete = $athlete AND day <= $as_of
),
weeks AS (
    SELECT week_start, sum(distance_m) AS distance_m FROM days GROUP BY week_start
),
so_far AS (
    SELECT *, sum(distance_m) OVER (PARTITION BY week_start ORDER BY day) AS week_so_far_m
    FROM days
)
SELECT s.athlete, s.day, 'warn' AS severity,
       json_object(
           'day', s.day,
           'week_start', s.week_start,
           'week_km', round(s.week_so_far_m / 1000, 1),
           'previous_week_km', round(p.distance_m / 1000, 1),
           'change_km', round((s.week_so_far_m - p.distance_m) / 1000, 1),
           'change_pct', round((s.week_so_far_m - p.distance_m) / p.distance_m * 100),
           'distance_7d_km', round(l.distance_7d_m / 1000, 1),
           'distance_prev_7d_km', round(l.distance_prev_7d_m / 1000, 1),
           'ramp_7d_pct', round(l.ramp_7d_pct)
       ) AS evidence
FROM so_far s
JOIN weeks p ON p.week_start = s.week_start - 7
JOIN load_signals l ON l.athlete = s.athlete AND l.day = s.day
WHERE s.first_day <= s.week_start - 7          -- the week before is a whole week of history
  AND p.distance_m > 0
  AND s.week_so_far_m > p.distance_m * (1 + $warn_pct / 100)
  AND s.week_so_far_m - p.distance_m >= $warn_min_km * 1000
