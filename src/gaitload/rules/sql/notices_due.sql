-- Episodes at warn or high with nothing decided yet at that severity or above, and whether
-- they are recent enough to email: still open on the day, or at this severity within the
-- last `window_days` days. Older ones are recorded as past, so a backfill does not flood.
WITH levels AS (
    SELECT * FROM (VALUES ('info', 1), ('warn', 2), ('high', 3)) v(severity, level)
)
SELECT e.episode_id, e.severity,
       e.status = 'open' OR e.severity_since > $as_of - $window_days AS recent
FROM core.alert_episodes e
JOIN levels l USING (severity)
WHERE e.athlete_id = $athlete_id AND e.status <> 'withdrawn' AND e.severity IN ('warn', 'high')
  AND NOT EXISTS (
      SELECT 1 FROM core.alert_notices n JOIN levels nl USING (severity)
      WHERE n.episode_id = e.episode_id AND nl.level >= l.level)
ORDER BY e.severity_since, e.episode_id
