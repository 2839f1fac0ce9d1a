-- Running km per local week (Monday start) up to and including `as_of`.
SELECT date_trunc('week', day)::DATE AS week_start, sum(km) AS km
FROM daily_load
WHERE athlete = $athlete AND day >= $first_week AND day <= $as_of
GROUP BY week_start
ORDER BY week_start
