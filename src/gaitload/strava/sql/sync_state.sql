SELECT strava_athlete_id, cursor_start_utc, backfill_done, activities_synced
FROM core.strava_sync WHERE athlete_id = $athlete_id
