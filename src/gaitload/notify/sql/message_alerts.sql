-- The live episodes a message is about (withdrawn ones are left out), most severe first.
-- $severities: in rising order (rules/catalogue.py).
SELECT e.episode_id, e.factor, e.title, e.severity, e.opened_severity, e.opened_on,
       e.severity_since, e.resolved_on, e.message, e.evidence, e.basis
FROM core.alert_episodes e
WHERE e.status <> 'withdrawn'
  AND e.episode_id IN (SELECT episode_id FROM core.alert_notices WHERE message_id = $message_id)
ORDER BY list_position($severities, e.severity) DESC, e.severity_since DESC, e.episode_id
