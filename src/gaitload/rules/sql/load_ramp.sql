-- load_ramp: this calendar week's running so far (Monday start, local) against the whole of
-- the week before. Fires the day the week's total has already passed the threshold, so a
-- long run moving in or out of a rolling 7-day window cannot fire it on its own; the rolling
-- 7-day figures go into the evidence. The bar is the athlete's own: a rise more than
-- `usual_factor` times their usual week-to-week rise (the upper quartile of the rises of the
-- `usual_weeks` weeks before), and never less than `warn_pct` (usual_factor = 0: `warn_pct`).
-- Severity from the size of the deviation: a week past that bar is `info` while it stays
-- within the athlete's own recent peak, and `warn` once it is more than `peak_pct` above the
-- highest week of the `usual_weeks` before (new load; -100: any week past the bar warns).
WITH days AS (
    SELECT athlete, day, distance_m, date_trunc('week', day)::DATE AS week_start,
           min(day) OVER () AS first_day
    FROM daily_load
    WHERE athlete = $athlete AND day <= $as_of
),
weekly AS (
    SELECT week_start, sum(distance_m) AS distance_m FROM days GROUP BY week_start
),
weeks AS (
    SELECT *,
           quantile_cont(rise_pct, 0.75) OVER (
               ORDER BY week_start ROWS BETWEEN $usual_weeks::INTEGER PRECEDING AND 1 PRECEDING
           ) AS usual_rise_pct,
           max(distance_m) OVER (
               ORDER BY week_start ROWS BETWEEN $usual_weeks::INTEGER PRECEDING AND 1 PRECEDING
           ) AS peak_m
    FROM (SELECT *, (distance_m - lag(distance_m) OVER (ORDER BY week_start))
                        / nullif(lag(distance_m) OVER (ORDER BY week_start), 0) * 100 AS rise_pct
          FROM weekly)
),
bar AS (
    SELECT w.week_start, p.distance_m AS previous_m, w.usual_rise_pct, w.peak_m,
           greatest($warn_pct, $usual_factor * coalesce(w.usual_rise_pct, 0)) AS bar_pct
    FROM weeks w JOIN weeks p ON p.week_start = w.week_start - 7
),
so_far AS (
    SELECT *, sum(distance_m) OVER (PARTITION BY week_start ORDER BY day) AS week_so_far_m
    FROM days
)
SELECT s.athlete, s.day,
       CASE WHEN s.week_so_far_m > b.peak_m * (1 + $peak_pct / 100) THEN 'warn' ELSE 'info' END
           AS severity,
       json_object(
           'day', s.day,
           'week_start', s.week_start,
           'week_km', round(s.week_so_far_m / 1000, 1),
           'previous_week_km', round(b.previous_m / 1000, 1),
           'change_km', round((s.week_so_far_m - b.previous_m) / 1000, 1),
           'change_pct', round((s.week_so_far_m - b.previous_m) / b.previous_m * 100),
           'distance_7d_km', round(l.distance_7d_m / 1000, 1),
           'distance_prev_7d_km', round(l.distance_prev_7d_m / 1000, 1),
           'ramp_7d_pct', round(l.ramp_7d_pct),
           'usual_rise_pct', round(b.usual_rise_pct),
           'bar_pct', round(b.bar_pct),
           'peak_week_km', round(b.peak_m / 1000, 1)
       ) AS evidence
FROM so_far s
JOIN bar b ON b.week_start = s.week_start
JOIN load_signals l ON l.athlete = s.athlete AND l.day = s.day
WHERE s.first_day <= s.week_start - 7          -- the week before is a whole week of history
  AND b.previous_m > 0
  AND s.week_so_far_m > b.previous_m * (1 + b.bar_pct / 100)
  AND s.week_so_far_m - b.previous_m >= $warn_min_km * 1000
