-- The base rate: the windows of `days` days ending the day before each Monday of the
-- history (the whole window inside it, the Monday on or before D), and in how many of them
-- each load factor had an episode. The first row (factor NULL) counts the windows; then one
-- row per factor present in any of them.
WITH start AS (
    SELECT $first_day::DATE + $days::INTEGER AS earliest
),
mondays AS (
    SELECT unnest(generate_series(
               earliest + ((8 - isodow(earliest)) % 7)::INTEGER, $day::DATE, INTERVAL 7 DAY))::DATE
               AS monday
    FROM start
),
windows AS (
    SELECT monday - $days::INTEGER AS first_day, monday - 1 AS last_day FROM mondays
)
SELECT NULL AS factor, count(*) AS windows FROM windows
UNION ALL
SELECT factor, windows FROM (
    SELECT e.factor, count(DISTINCT w.first_day) AS windows
    FROM windows w
    JOIN lookback_episodes e ON e.opened_on <= w.last_day AND e.last_seen >= w.first_day
    GROUP BY e.factor
    ORDER BY e.factor
)
