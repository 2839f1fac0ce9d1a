UPDATE core.strava_sync SET last_reconciled_at = now() AT TIME ZONE 'UTC'
WHERE athlete_id = $athlete_id
