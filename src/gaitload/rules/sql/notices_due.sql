-- Episodes at warn or high with nothing decided yet at that severity or above, and whether
-- they are recent enough to email: still open on the day, or at this severity within the
-- last `window_days` days. Older ones are recorded as past, so a backfill does not flood.
-- A notice whose email was cancelled (all its episodes were withdrawn before it went out)
-- decides nothing: the episode, found again, is due again.
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
      LEFT JOIN core.alert_messages m USING (message_id)
      WHERE n.episode_id = e.episode_id AND nl.level >= l.level
        AND coalesce(m.status, '') <> 'cancelled')
ORDER BY e.severity_since, e.episode_id
