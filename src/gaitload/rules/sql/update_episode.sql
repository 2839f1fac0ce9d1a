-- Only when something changed: `updated_at` says when the row last changed, and a rewrite of
-- the same values would change the database file (and the readers' snapshot copied of it).
UPDATE core.alert_episodes SET
    opened_on = $opened_on, opened_severity = $opened_severity, severity = $severity,
    severity_since = $severity_since, last_seen = $last_seen, resolved_on = $resolved_on,
    status = $status, title = $title, message = $message, evidence = $evidence,
    thresholds = $thresholds, basis = $basis, evaluated_as_of = $as_of,
    updated_at = now() AT TIME ZONE 'UTC'
WHERE episode_id = $episode_id
  AND (opened_on, opened_severity, severity, severity_since, last_seen, resolved_on, status,
       title, message, evidence, thresholds, basis, evaluated_as_of)
      IS DISTINCT FROM ($opened_on, $opened_severity, $severity, $severity_since, $last_seen,
       $resolved_on, $status, $title, $message, $evidence, $thresholds, $basis, $as_of)
