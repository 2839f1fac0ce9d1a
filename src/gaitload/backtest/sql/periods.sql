-- Each athlete's history: from the first activity to the last activity or injury (not to
-- today: the days after the last record are not known to be training days).
SELECT m.athlete,
       min(m.local_date) AS first_day,
       greatest(max(m.local_date),
                coalesce((SELECT max(i.day) FROM bt_injuries i WHERE i.athlete = m.athlete),
                         max(m.local_date))) AS last_day
FROM activity_metrics m
WHERE $athlete IS NULL OR m.athlete = $athlete
GROUP BY m.athlete
ORDER BY m.athlete
