-- shoe_change: most of a week's running in a shoe that had hardly been run in before that
-- week, after running in another known shoe in the 4 weeks before: a switch, not a first
-- shoe (a shoe named from the start of the history is not a change).
WITH runs AS (
    SELECT local_date AS day, gear_id, distance_m
    FROM activity_metrics
    WHERE athlete = $athlete AND activity_class = 'run' AND local_date <= $as_of
),
days AS (
    SELECT day, distance_7d_m FROM load_signals
    WHERE athlete = $athlete AND day <= $as_of AND distance_7d_m > 0
),
per_shoe AS (
    SELECT d.day, d.distance_7d_m, r.gear_id, sum(r.distance_m) AS shoe_7d_m
    FROM days d JOIN runs r ON r.day BETWEEN d.day - 6 AND d.day
    WHERE r.gear_id IS NOT NULL
    GROUP BY ALL
),
judged AS (
    SELECT p.*,
           coalesce((SELECT sum(r.distance_m) FROM runs r
                     WHERE r.gear_id = p.gear_id AND r.day < p.day - 6), 0) AS before_m,
           (SELECT arg_max(r.gear_id, r.day) FROM runs r
            WHERE r.gear_id <> p.gear_id AND r.day BETWEEN p.day - 34 AND p.day - 7)
               AS previous_gear_id
    FROM per_shoe p
    WHERE p.shoe_7d_m > p.distance_7d_m * $warn_share_7d
)
SELECT $athlete AS athlete, j.gear_id AS subject, j.day, 'warn' AS severity,
       json_object(
           'day', j.day,
           'shoe', g.name,
           'gear_id', j.gear_id,
           'shoe_share_7d_pct', round(j.shoe_7d_m / j.distance_7d_m * 100),
           'shoe_km_7d', round(j.shoe_7d_m / 1000, 1),
           'distance_7d_km', round(j.distance_7d_m / 1000, 1),
           'shoe_km_before', round(j.before_m / 1000, 1),
           'previous_shoe', pg.name
       ) AS evidence
FROM judged j
JOIN gear g ON g.gear_id = j.gear_id
JOIN gear pg ON pg.gear_id = j.previous_gear_id
WHERE j.before_m < $warn_max_shoe_km * 1000
