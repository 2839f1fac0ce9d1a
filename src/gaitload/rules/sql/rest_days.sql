-- rest_days: no rest day in 7 days or a long streak of running days (warn); Foster's
-- monotony above a practitioners' cut-off (info). Needs a whole week of history. The warning
-- is for someone who usually rests: at least `warn_usual_rest_days_28d` rest days in the 28
-- days before the 7 (a runner who never rests is not told so every week; 0: everyone).
-- Demoted: the pattern is `info` unless `warn_opt_in` is 1, because on real injuries it
-- pointed the wrong way (docs/alerts.md); the article's reader can opt back in.
WITH s AS (
    SELECT l.*, min(l.day) OVER () AS first_day
    FROM load_signals l
    WHERE l.athlete = $athlete AND l.day <= $as_of
),
usual AS (
    SELECT *,
           lag(rest_days_7d, 7) OVER w + lag(rest_days_7d, 14) OVER w
               + lag(rest_days_7d, 21) OVER w + lag(rest_days_7d, 28) OVER w
               AS usual_rest_days_28d
    FROM s
    WINDOW w AS (ORDER BY day)
),
judged AS (
    SELECT *,
           CASE WHEN (rest_days_7d < $warn_min_rest_days_7d
                      OR consecutive_run_days >= $warn_consecutive_days)
                 AND coalesce(usual_rest_days_28d, 0) >= $warn_usual_rest_days_28d
                THEN CASE WHEN $warn_opt_in >= 1 THEN 'warn' ELSE 'info' END
                WHEN monotony_7d > $info_monotony THEN 'info' END AS severity
    FROM usual
    WHERE day >= first_day + 6
)
SELECT athlete, day, severity,
       json_object(
           'day', day,
           'rest_days_7d', rest_days_7d,
           'rest_days_14d', rest_days_14d,
           'consecutive_run_days', consecutive_run_days,
           'monotony_7d', round(monotony_7d, 2),
           'strain_7d', round(strain_7d),
           'usual_rest_days_28d', usual_rest_days_28d
       ) AS evidence
FROM judged
WHERE severity IS NOT NULL
