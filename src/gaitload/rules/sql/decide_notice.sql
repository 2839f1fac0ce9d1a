-- What was decided for an episode at a severity on a channel; replaces only a cancelled
-- message's notice.
INSERT INTO core.alert_notices (episode_id, severity, channel, message_id)
VALUES ($episode_id, $severity, $channel, $message_id)
ON CONFLICT (episode_id, severity, channel) DO UPDATE SET
    message_id = excluded.message_id, decided_at = now() AT TIME ZONE 'UTC'
