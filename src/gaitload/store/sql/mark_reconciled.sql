UPDATE core.source_sync SET last_reconciled_at = now() AT TIME ZONE 'UTC'
WHERE source = $source AND athlete_id = $athlete_id
