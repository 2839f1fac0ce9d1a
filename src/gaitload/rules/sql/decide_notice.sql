-- What was decided for an episode at a severity; replaces only a cancelled email's notice.
INSERT INTO core.alert_notices (episode_id, severity, message_id)
VALUES ($episode_id, $severity, $message_id)
ON CONFLICT (episode_id, severity) DO UPDATE SET
    message_id = excluded.message_id, decided_at = now() AT TIME ZONE 'UTC'
