-- Written in the same transaction as the activity it moves past.
INSERT INTO core.source_sync (source, athlete_id, account_id, cursor_start_utc, backfill_done,
                              activities_synced, last_sync_at, last_stop_reason)
VALUES ($source, $athlete_id, $account_id, $cursor_start_utc, $backfill_done, $synced,
        now() AT TIME ZONE 'UTC', $stop_reason)
ON CONFLICT (source, athlete_id) DO UPDATE SET
    account_id = coalesce(excluded.account_id, account_id),
    cursor_start_utc = coalesce(excluded.cursor_start_utc, cursor_start_utc),
    backfill_done = excluded.backfill_done OR backfill_done,
    activities_synced = activities_synced + excluded.activities_synced,
    last_sync_at = excluded.last_sync_at,
    last_stop_reason = excluded.last_stop_reason
