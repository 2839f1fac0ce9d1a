INSERT INTO core.alert_episodes (
    athlete_id, factor, subject, opened_on, opened_severity, severity, severity_since,
    last_seen, resolved_on, status, title, message, evidence, thresholds, basis,
    evaluated_as_of)
VALUES ($athlete_id, $factor, $subject, $opened_on, $opened_severity, $severity,
        $severity_since, $last_seen, $resolved_on, $status, $title, $message, $evidence,
        $thresholds, $basis, $as_of)
RETURNING episode_id
