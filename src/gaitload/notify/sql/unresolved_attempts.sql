-- Messages a previous run was handing over when it stopped.
SELECT m.message_id, m.channel, t.name AS athlete, m.transport, m.receipt
FROM core.alert_messages m JOIN core.athletes t USING (athlete_id)
WHERE m.status = 'attempting'
ORDER BY m.created_at
