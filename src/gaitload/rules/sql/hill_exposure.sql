-- hill_exposure: a 7-day descent far above its 28-day weekly average, or a hill session while
-- recovering: within a few days after a load alert (this evaluation's load_ramp and
-- long_run_spike findings), or with the 7-day distance cut well below the weekly average of
-- the 4 weeks before. A hill session is a run with enough distance on grades steeper than
-- +-5 %; a run without altitude (a treadmill) is never one.
WITH days AS (
    SELECT l.athlete, l.day, l.distance_7d_m, l.descent_7d_m, l.descent_28d_weekly_avg_m,
           l.descent_ratio, min(l.day) OVER () AS first_day,
           sum(l.distance_m) OVER (ORDER BY l.day ROWS BETWEEN 34 PRECEDING AND 7 PRECEDING) / 4
               AS usual_week_m
    FROM load_signals l
    WHERE l.athlete = $athlete AND l.day <= $as_of
),
judged AS (
    SELECT d.*, h.steep_m,
           (SELECT max(f.day) FROM rule_findings f
            WHERE f.athlete = $athlete AND f.factor IN ('load_ramp', 'long_run_spike')
              AND f.severity IN ('warn', 'high')
              AND f.day BETWEEN d.day - $recovery_days::INTEGER AND d.day - 1) AS load_alert_day,
           d.day >= d.first_day + 27 AND d.descent_7d_m >= $warn_min_descent_m
               AND d.descent_ratio > $warn_descent_ratio AS descent_rise,
           d.day >= d.first_day + 34 AND d.usual_week_m > 0
               AND d.distance_7d_m <= d.usual_week_m * (1 - $recovery_cut_pct / 100) AS cut
    FROM days d LEFT JOIN hill_sessions($athlete, $as_of, $hill_session_steep_m) h USING (day)
),
flagged AS (
    SELECT *,
           steep_m IS NOT NULL AND (load_alert_day IS NOT NULL OR cut) AS hill_while_recovering
    FROM judged
)
SELECT athlete, day, 'warn' AS severity,
       json_object(
           'day', day,
           'descent_rise', descent_rise,
           'descent_7d_m', round(descent_7d_m),
           'descent_28d_weekly_avg_m', round(descent_28d_weekly_avg_m),
           'descent_ratio', round(descent_ratio, 2),
           'hill_session_day', CASE WHEN hill_while_recovering THEN day END,
           'hill_session_steep_km', round(steep_m / 1000, 1),
           'recovering_reason',
               CASE WHEN NOT hill_while_recovering THEN NULL
                    WHEN load_alert_day IS NOT NULL
                        THEN 'within ' || ($recovery_days)::INTEGER || ' days of a load alert on '
                             || strftime(load_alert_day, '%Y-%m-%d')
                    ELSE printf('%.0f km in the last 7 days, cut from a usual week of %.0f km',
                                distance_7d_m / 1000, usual_week_m / 1000) END
       ) AS evidence
FROM flagged
WHERE descent_rise OR hill_while_recovering
