-- Findings into episodes: consecutive findings of one rule (and subject) belong to one
-- episode unless more than `clear_days` days lie between them; an episode is resolved once
-- `clear_days` have passed since it was last seen. Its severity is the highest it reached,
-- its evidence that of the first day at that severity. $severities: in rising order.
WITH f AS (
    SELECT *,
           list_position($severities, severity) AS level,
           day - lag(day) OVER (PARTITION BY athlete, factor, subject ORDER BY day) AS gap
    FROM rule_findings
),
numbered AS (
    SELECT *,
           sum(CASE WHEN gap IS NULL OR gap > clear_days THEN 1 ELSE 0 END)
               OVER (PARTITION BY athlete, factor, subject ORDER BY day) AS episode_no
    FROM f
),
peaked AS (
    SELECT *, max(level) OVER (PARTITION BY athlete, factor, subject, episode_no) AS peak
    FROM numbered
)
SELECT athlete, factor, subject,
       min(day) AS opened_on,
       arg_min(severity, day) AS opened_severity,
       arg_min(severity, day) FILTER (WHERE level = peak) AS severity,
       min(day) FILTER (WHERE level = peak) AS severity_since,
       max(day) AS last_seen,
       CASE WHEN max(day) + any_value(clear_days) <= $as_of
            THEN max(day) + any_value(clear_days) END AS resolved_on,
       arg_min(evidence, day) FILTER (WHERE level = peak) AS evidence
FROM peaked
GROUP BY athlete, factor, subject, episode_no
ORDER BY athlete, opened_on, factor, subject
