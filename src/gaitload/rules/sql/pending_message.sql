-- The athlete's message on this channel still waiting to go out, if any: new notices join it.
SELECT message_id FROM core.alert_messages
WHERE athlete_id = $athlete_id AND channel = $channel AND status = 'pending'
ORDER BY created_at DESC
LIMIT 1
