-- Running distance per surface and week, over the last $weeks weeks.
WITH weekly AS (
    SELECT date_trunc('week', local_date)::DATE AS week_start, surface,
           sum(distance_m) / 1000 AS km
    FROM activity_metrics
    WHERE athlete = $athlete AND activity_class = 'run'
    GROUP BY ALL
)
SELECT * FROM weekly
WHERE week_start >= (SELECT max(week_start) FROM weekly) - INTERVAL ($weeks * 7) DAY
ORDER BY week_start, surface
