SELECT name, greatest(distance_m, coalesce(source_distance_m, 0)) / 1000 AS km, runs, last_used
FROM gear_usage
WHERE athlete = $athlete AND kind = 'shoe'
ORDER BY km DESC
