-- Messages still to go out, oldest first, with their athlete and channel.
SELECT m.message_id, m.channel, t.name AS athlete, m.as_of
FROM core.alert_messages m JOIN core.athletes t USING (athlete_id)
WHERE m.status = 'pending' AND ($athlete IS NULL OR t.name = $athlete)
ORDER BY m.created_at, m.message_id
