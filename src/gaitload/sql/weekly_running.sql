-- Running per local calendar week (Monday start), for the import summary.
SELECT date_trunc('week', start_time_local)::DATE AS week,
       count(*) AS runs,
       sum(distance_m) / 1000 AS km,
       max(distance_m) / 1000 AS longest_km
FROM activities
WHERE sport = 'running' AND athlete = $athlete
GROUP BY ALL
ORDER BY week
