-- The daily alert score (the sum over load rules open that day at warn or above: 1 for
-- warn, 2 for high), and per rule that rule's own level, counted per athlete and score over
-- the days with and without an injury in the next 7: what the area under the ROC curve is
-- computed from (so that athletes can be pooled in any grouping).
WITH levels AS (
    SELECT e.factor, e.athlete, d.day,
           max(CASE WHEN d.day >= e.high_from THEN 2 ELSE 1 END) AS level
    FROM bt_episodes e
    JOIN LATERAL (SELECT unnest(generate_series(e.warn_from, e.open_until, INTERVAL 1 DAY))::DATE
                  AS day) d ON true
    GROUP BY ALL
),
scored AS (
    SELECT f.factor, l.athlete, l.pos, coalesce(v.level, 0) AS score
    FROM bt_factors f CROSS JOIN bt_days l
    LEFT JOIN levels v ON v.factor = f.factor AND v.athlete = l.athlete AND v.day = l.day
    UNION ALL
    SELECT '(any)', l.athlete, l.pos, coalesce(sum(v.level), 0)
    FROM bt_days l
    LEFT JOIN levels v ON v.athlete = l.athlete AND v.day = l.day
    GROUP BY l.athlete, l.day, l.pos
),
counted AS (
    SELECT factor, athlete, score,
           count(*) FILTER (WHERE pos) AS pos, count(*) FILTER (WHERE NOT pos) AS neg
    FROM scored GROUP BY factor, athlete, score
)
SELECT * FROM counted ORDER BY factor, athlete, score
