UPDATE core.alert_episodes SET
    opened_on = $opened_on, opened_severity = $opened_severity, severity = $severity,
    severity_since = $severity_since, last_seen = $last_seen, resolved_on = $resolved_on,
    status = $status, title = $title, message = $message, evidence = $evidence,
    thresholds = $thresholds, basis = $basis, evaluated_as_of = $as_of,
    updated_at = now() AT TIME ZONE 'UTC'
WHERE episode_id = $episode_id
