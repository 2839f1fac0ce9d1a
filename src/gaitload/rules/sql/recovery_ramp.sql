-- recovery_ramp: while recovering (after a pain entry above 0, for $recovering_days days),
-- a hill session, or the 7-day distance rising faster than a gradual return. The volume is
-- judged only on 7-day windows that lie wholly after the pain entry: a window that still
-- holds the runs before the pain would blame the return for the load that came before it.
-- The latest such pain entry is the one named.
WITH pain_days AS (
    SELECT "date" AS day, {'day': "date", 'place': place, 'score': score} AS pain
    FROM pain
    WHERE athlete = $athlete AND score > 0 AND "date" <= $as_of
),
recovering AS (
    SELECT l.day, l.distance_7d_m, l.distance_prev_7d_m,
           (SELECT arg_max(p.pain, (p.day, p.pain.score)) FROM pain_days p
            WHERE p.day BETWEEN l.day - $recovering_days::INTEGER AND l.day - 1) AS pain_before,
           (SELECT arg_max(p.pain, (p.day, p.pain.score)) FROM pain_days p
            WHERE p.day BETWEEN l.day - $recovering_days::INTEGER AND l.day - 7) AS pain_week_before
    FROM load_signals l
    WHERE l.athlete = $athlete AND l.day <= $as_of
),
judged AS (
    SELECT r.*,
           CASE WHEN r.pain_before IS NOT NULL THEN h.steep_m END AS steep_m,
           r.pain_week_before IS NOT NULL
               AND r.distance_7d_m - r.distance_prev_7d_m >= $warn_min_km * 1000
               AND r.distance_7d_m > r.distance_prev_7d_m * (1 + $warn_pct / 100) AS volume_rise
    FROM recovering r LEFT JOIN hill_sessions($athlete, $as_of, $hill_session_steep_m) h USING (day)
    WHERE r.pain_before IS NOT NULL
),
named AS (
    SELECT *, coalesce(pain_week_before, pain_before) AS pain FROM judged
)
SELECT $athlete AS athlete, day, 'warn' AS severity,
       json_object(
           'day', day,
           'pain_day', pain.day,
           'place', pain.place,
           'pain_score', pain.score,
           'volume_rise', volume_rise,
           'distance_7d_km', round(distance_7d_m / 1000, 1),
           'distance_prev_7d_km', round(distance_prev_7d_m / 1000, 1),
           'change_km', round((distance_7d_m - distance_prev_7d_m) / 1000, 1),
           'change_pct', CASE WHEN distance_prev_7d_m > 0
                              THEN round(100 * (distance_7d_m / distance_prev_7d_m - 1)) END,
           'hill_session_day', CASE WHEN steep_m IS NOT NULL THEN day END,
           'hill_session_steep_km', round(steep_m / 1000, 1)
       ) AS evidence
FROM named
WHERE volume_rise OR steep_m IS NOT NULL
