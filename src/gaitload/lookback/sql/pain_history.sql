-- Every pain episode of the athlete that started on or before D, with the load factors
-- that had an episode overlapping the `days` before its first day.
SELECT p.started_on, p.location, p.side, p.place, p.max_score, p.bone,
       coalesce(list(DISTINCT e.factor ORDER BY e.factor)
                    FILTER (WHERE e.factor IS NOT NULL), []) AS factors
FROM pain_episodes p
LEFT JOIN lookback_episodes e
       ON e.opened_on < p.started_on AND e.last_seen >= p.started_on - $days::INTEGER
WHERE p.athlete = $athlete AND p.started_on <= $day
GROUP BY p.started_on, p.location, p.side, p.place, p.episode_no, p.max_score, p.bone
ORDER BY p.started_on, p.location, p.side
