SELECT athlete, name, gear_id AS id, runs, round(distance_m / 1000, 1) AS km,
       round(source_distance_m / 1000, 1) AS "source km", first_used, last_used,
       CASE WHEN retired THEN 'retired' ELSE '' END AS note
FROM gear_usage
WHERE kind = 'shoe' AND ($athlete IS NULL OR athlete = $athlete)
ORDER BY athlete, last_used DESC NULLS LAST
