-- One message's delivery state; NULL arguments leave a column as it is.
UPDATE core.alert_messages SET
    status = $status,
    transport = coalesce($transport, transport),
    recipients = coalesce($recipients, recipients),
    receipt = coalesce($receipt, receipt),
    attempts = attempts + $attempt,
    last_error = CASE WHEN $status = 'sent' THEN NULL ELSE coalesce($error, last_error) END,
    attempted_at = CASE WHEN $attempt = 1 THEN now() AT TIME ZONE 'UTC' ELSE attempted_at END,
    sent_at = CASE WHEN $status = 'sent' THEN now() AT TIME ZONE 'UTC' ELSE sent_at END
WHERE message_id = $message_id
