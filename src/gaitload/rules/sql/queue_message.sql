-- A new message on a channel, its id already made by the channel: pending until delivered.
INSERT INTO core.alert_messages (message_id, channel, athlete_id, as_of)
VALUES ($message_id, $channel, $athlete_id, $as_of)
