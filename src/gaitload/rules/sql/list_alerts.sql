SELECT episode_id, athlete, factor, subject, title, severity, status, "date", severity_since,
       last_seen, resolved_on, message, evidence, basis, delivery, delivery_error
FROM alerts
WHERE status <> 'withdrawn'
  AND ($athlete IS NULL OR athlete = $athlete)
  AND ($since IS NULL OR coalesce(resolved_on, evaluated_as_of) >= $since)
ORDER BY "date" DESC, severity_since DESC, episode_id DESC
