-- Episodes at a notified severity with nothing decided yet for this channel at that severity
-- or above, and whether they are recent enough to notify: still open on the day, or at this
-- severity within the last `window_days` days. Older ones are recorded as past, so a
-- backfill does not flood. A notice whose message was cancelled (all its episodes were
-- withdrawn before it went out) decides nothing: the episode, found again, is due again.
-- $severities lists the severities in rising order (rules/catalogue.py), $notified those
-- that are notified.
SELECT e.episode_id, e.severity,
       e.status = 'open' OR e.severity_since > $as_of - $window_days AS recent
FROM core.alert_episodes e
WHERE e.athlete_id = $athlete_id AND e.status <> 'withdrawn'
  AND list_contains($notified, e.severity)
  AND NOT EXISTS (
      SELECT 1 FROM core.alert_notices n
      LEFT JOIN core.alert_messages m USING (message_id)
      WHERE n.episode_id = e.episode_id AND n.channel = $channel
        AND list_position($severities, n.severity) >= list_position($severities, e.severity)
        AND coalesce(m.status, '') <> 'cancelled')
ORDER BY e.severity_since, e.episode_id
