-- The weekly series: 7-day blocks counted back from the day before D (block 0 ends on it)
-- through the window and the usual period, each with the load factors whose episodes
-- overlap it. `start` is the block's nominal first day; `days` those inside the history.
WITH days AS (
    SELECT day, km, descent_m, rest_day, runs,
           (($last::DATE - day) // 7)::INTEGER AS block
    FROM daily_load
    WHERE athlete = $athlete AND day BETWEEN $first AND $last
),
blocks AS (
    SELECT block,
           $last::DATE - (7 * block + 6) AS start,
           $last::DATE - 7 * block AS "end",
           count(*)::INTEGER AS days,
           sum(km) AS km,
           sum(descent_m) AS descent_m,
           (count(*) FILTER (WHERE rest_day))::INTEGER AS rest_days,
           sum(runs)::INTEGER AS runs
    FROM days GROUP BY block
)
SELECT b.start, b."end",
       CASE WHEN b.block < $weeks THEN 'window' ELSE 'usual' END AS period,
       b.days, b.km, b.descent_m, b.rest_days, b.runs,
       coalesce(list(DISTINCT e.factor ORDER BY e.factor)
                    FILTER (WHERE e.factor IS NOT NULL), []) AS factors
FROM blocks b
LEFT JOIN lookback_episodes e ON e.opened_on <= b."end" AND e.last_seen >= b.start
GROUP BY ALL
ORDER BY b.start
