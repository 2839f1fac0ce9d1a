-- The live episodes a message is about (withdrawn ones are left out), most severe first.
WITH levels AS (
    SELECT * FROM (VALUES ('info', 1), ('warn', 2), ('high', 3)) v(severity, level)
)
SELECT e.episode_id, e.factor, e.title, e.severity, e.opened_severity, e.opened_on,
       e.severity_since, e.resolved_on, e.message, e.basis
FROM core.alert_episodes e
JOIN levels l USING (severity)
WHERE e.status <> 'withdrawn'
  AND e.episode_id IN (SELECT episode_id FROM core.alert_notices WHERE message_id = $message_id)
ORDER BY l.level DESC, e.severity_since DESC, e.episode_id
