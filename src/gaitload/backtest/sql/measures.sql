-- Per rule (and '(any)') and athlete: the scored days, the days open at warn or high, the
-- days with an injury in the 7 days after them (open and not), the spells of open days,
-- and the injuries with the rule open in the 7 and 21 days before.
WITH open_rule AS (
    SELECT e.factor, e.athlete, d.day
    FROM bt_episodes e
    JOIN bt_periods p ON p.athlete = e.athlete
    JOIN LATERAL (SELECT unnest(generate_series(greatest(e.warn_from, p.first_day),
                                                least(e.open_until, p.last_day),
                                                INTERVAL 1 DAY))::DATE AS day) d ON true
),
open_any AS (
    SELECT DISTINCT '(any)' AS factor, athlete, day FROM open_rule
    UNION ALL
    SELECT DISTINCT factor, athlete, day FROM open_rule
),
grid AS (
    SELECT f.factor, l.athlete, l.day, l.pos, o.day IS NOT NULL AS open
    FROM (SELECT factor FROM bt_factors UNION ALL SELECT '(any)') f
    CROSS JOIN bt_days l
    LEFT JOIN open_any o ON o.factor = f.factor AND o.athlete = l.athlete AND o.day = l.day
),
spells AS (
    -- a spell starts on an open day whose day before is not open (or not scored)
    SELECT factor, athlete,
           count(*) FILTER (WHERE open AND NOT coalesce(prev_open, false)) AS spells
    FROM (SELECT *, lag(open) OVER (PARTITION BY factor, athlete ORDER BY day) AS prev_open
          FROM grid)
    GROUP BY factor, athlete
),
counts AS (
    SELECT factor, athlete,
           count(*) AS days,
           count(*) FILTER (WHERE open) AS open_days,
           count(*) FILTER (WHERE open AND pos) AS open_pos,
           count(*) FILTER (WHERE NOT open AND pos) AS closed_pos
    FROM grid GROUP BY factor, athlete
),
preceded AS (
    SELECT f.factor, i.athlete,
           count(*) AS injuries,
           count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM open_any o WHERE o.factor = f.factor AND o.athlete = i.athlete
                 AND o.day BETWEEN i.day - 7 AND i.day - 1)) AS preceded_7d,
           count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM open_any o WHERE o.factor = f.factor AND o.athlete = i.athlete
                 AND o.day BETWEEN i.day - 21 AND i.day - 1)) AS preceded_21d
    FROM (SELECT factor FROM bt_factors UNION ALL SELECT '(any)') f
    CROSS JOIN bt_injury_days i
    GROUP BY f.factor, i.athlete
)
SELECT c.factor, c.athlete, c.days, c.open_days, c.open_pos, c.closed_pos,
       s.spells,
       coalesce(p.injuries, 0) AS injuries,
       coalesce(p.preceded_7d, 0) AS preceded_7d,
       coalesce(p.preceded_21d, 0) AS preceded_21d
FROM counts c
JOIN spells s USING (factor, athlete)
LEFT JOIN preceded p USING (factor, athlete)
ORDER BY c.factor, c.athlete
