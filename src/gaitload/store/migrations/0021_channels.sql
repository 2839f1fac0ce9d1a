-- Notification channels (gaitload.notify): a message and a notice belong to one channel, so
-- each channel keeps its own "never twice" per (episode, severity, channel). Every row
-- written before channels existed was an email: it stays one, nothing else changes.

-- A message is one notification through one channel; its id is made by the channel (for
-- email, the Message-ID) when it is queued. `receipt` was `outbox_path`: what a channel
-- left behind at its point of no return (the outbox's .eml file), to settle an
-- interrupted attempt.
ALTER TABLE core.alert_messages ADD COLUMN channel VARCHAR NOT NULL DEFAULT 'email';
ALTER TABLE core.alert_messages RENAME COLUMN outbox_path TO receipt;

-- The key of the "never twice" guarantee gains the channel: a new table, the rows moved.
CREATE TABLE core.alert_notices_by_channel (
    episode_id  BIGINT NOT NULL,
    severity    VARCHAR NOT NULL,
    channel     VARCHAR NOT NULL,
    message_id  VARCHAR,
    decided_at  TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    PRIMARY KEY (episode_id, severity, channel)
);
INSERT INTO core.alert_notices_by_channel (episode_id, severity, channel, message_id, decided_at)
SELECT episode_id, severity, 'email', message_id, decided_at FROM core.alert_notices;
DROP TABLE core.alert_notices;
ALTER TABLE core.alert_notices_by_channel RENAME TO alert_notices;
