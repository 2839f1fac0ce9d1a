-- The public alert views (documented in docs/schema.md).
-- Recreated by a write-open when they changed (store.db).

-- One row per episode and channel it was decided for: the latest decision (an episode is
-- decided again only at a higher severity, or after its message was cancelled).
CREATE OR REPLACE VIEW alert_deliveries AS
WITH notice AS (
    SELECT * FROM core.alert_notices
    QUALIFY row_number() OVER (
        PARTITION BY episode_id, channel ORDER BY decided_at DESC, severity) = 1
)
SELECT n.episode_id,
       t.name AS athlete,
       e.factor,
       n.severity,
       n.channel,
       CASE WHEN n.message_id IS NULL THEN 'past' ELSE m.status END AS delivery,
       n.message_id,
       m.transport,
       m.recipients,
       m.attempts AS delivery_attempts,
       m.last_error AS delivery_error,
       m.attempted_at,
       m.sent_at,
       n.decided_at
FROM notice n
JOIN core.alert_episodes e USING (episode_id)
JOIN core.athletes t USING (athlete_id)
LEFT JOIN core.alert_messages m ON m.message_id = n.message_id;

-- One row per episode; its delivery is the channel's that has furthest to go, so `sent`
-- means sent on every channel it was decided for. Only `info` is never notified
-- (catalogue.NOTIFY_FROM; a view takes no parameters: tests/test_channels.py checks it).
CREATE OR REPLACE VIEW alerts AS
WITH delivery AS (
    SELECT * FROM alert_deliveries
    QUALIFY row_number() OVER (
        PARTITION BY episode_id
        ORDER BY CASE delivery WHEN 'pending' THEN 1 WHEN 'attempting' THEN 2
                 WHEN 'unconfirmed' THEN 3 WHEN 'cancelled' THEN 4 WHEN 'sent' THEN 5
                 ELSE 6 END, channel) = 1
)
SELECT e.episode_id,
       t.name AS athlete,
       e.factor,
       e.subject,
       e.title,
       e.severity,
       e.status,
       e.opened_on AS "date",
       e.opened_severity,
       e.severity_since,
       e.last_seen,
       e.resolved_on,
       e.message,
       e.evidence,
       e.thresholds,
       e.basis,
       CASE WHEN d.episode_id IS NULL THEN CASE WHEN e.severity = 'info' THEN 'none' ELSE 'due' END
            ELSE d.delivery END AS delivery,
       d.message_id,
       d.delivery_attempts,
       d.delivery_error,
       d.sent_at,
       e.evaluated_as_of,
       e.updated_at,
       d.channel
FROM core.alert_episodes e
JOIN core.athletes t USING (athlete_id)
LEFT JOIN delivery d USING (episode_id)
