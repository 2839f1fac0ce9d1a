-- shoe_mileage: each shoe's distance up to each day it was run in, counting what the source
-- (e.g. Strava) says it had done before gaitload saw it. One episode per shoe.
WITH runs AS (
    SELECT gear_id, local_date AS day, sum(distance_m) AS distance_m
    FROM activity_metrics
    WHERE athlete = $athlete AND activity_class = 'run' AND gear_id IS NOT NULL
    GROUP BY ALL
),
shoes AS (
    SELECT u.gear_id, u.name,
           greatest(coalesce(u.source_distance_m, 0) - u.distance_m, 0) AS unseen_m
    FROM gear_usage u
    WHERE u.athlete = $athlete AND u.kind = 'shoe'
),
worn AS (
    SELECT r.gear_id, s.name, r.day,
           s.unseen_m + sum(r.distance_m) OVER (PARTITION BY r.gear_id ORDER BY r.day) AS total_m
    FROM runs r JOIN shoes s USING (gear_id)
)
SELECT $athlete AS athlete, gear_id AS subject, day,
       CASE WHEN total_m >= $warn_km * 1000 THEN 'warn' ELSE 'info' END AS severity,
       json_object('day', day, 'shoe', name, 'gear_id', gear_id,
                   'shoe_km', round(total_m / 1000)) AS evidence
FROM worn
WHERE day <= $as_of AND total_m >= $info_km * 1000
