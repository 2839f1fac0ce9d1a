-- The public alerts view (documented in docs/schema.md). Recreated on every write-open.
CREATE OR REPLACE VIEW alerts AS
WITH notice AS (
    SELECT * FROM core.alert_notices
    QUALIFY row_number() OVER (
        PARTITION BY episode_id
        ORDER BY CASE severity WHEN 'high' THEN 3 WHEN 'warn' THEN 2 ELSE 1 END DESC) = 1
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
       CASE WHEN n.episode_id IS NULL THEN CASE WHEN e.severity = 'info' THEN 'none' ELSE 'due' END
            WHEN n.message_id IS NULL THEN 'past'
            ELSE m.status END AS delivery,
       m.message_id,
       m.attempts AS delivery_attempts,
       m.last_error AS delivery_error,
       m.sent_at,
       e.evaluated_as_of,
       e.updated_at
FROM core.alert_episodes e
JOIN core.athletes t USING (athlete_id)
LEFT JOIN notice n USING (episode_id)
LEFT JOIN core.alert_messages m ON m.message_id = n.message_id
