-- rest_days: no rest day in 7 days or a long streak of running days (warn); Foster's
-- monotony above a practitioners' cut-off (info). Needs a whole week of history.
WITH s AS (
    SELECT l.*, min(l.day) OVER () AS first_day
    FROM load_signals l
    WHERE l.athlete = $athlete AND l.day <= $as_of
),
judged AS (
    SELECT *,
           CASE WHEN rest_days_7d < $warn_min_rest_days_7d
                  OR consecutive_run_days >= $warn_consecutive_days THEN 'warn'
                WHEN monotony_7d > $info_monotony THEN 'info' END AS severity
    FROM s
    WHERE day >= first_day + 6
)
SELECT athlete, day, severity,
       json_object(
           'day', day,
           'rest_days_7d', rest_days_7d,
           'rest_days_14d', rest_days_14d,
           'consecutive_run_days', consecutive_run_days,
           'monotony_7d', round(monotony_7d, 2),
           'strain_7d', round(strain_7d)
       ) AS evidence
FROM judged
WHERE severity IS NOT NULL
