-- The athlete's message still waiting to go out, if any: new notices join it.
SELECT message_id FROM core.alert_messages
WHERE athlete_id = $athlete_id AND status = 'pending'
ORDER BY created_at DESC
LIMIT 1
