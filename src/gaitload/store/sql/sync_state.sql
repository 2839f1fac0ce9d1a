SELECT account_id, cursor_start_utc, backfill_done, activities_synced
FROM core.source_sync WHERE source = $source AND athlete_id = $athlete_id
