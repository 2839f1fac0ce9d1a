-- Strava: the activity's Strava identity and notes, the sync state, two more sample streams.
ALTER TABLE core.activities ADD COLUMN strava_id BIGINT;            -- the Strava activity, from any source
ALTER TABLE core.activities ADD COLUMN strava_sport_type VARCHAR;   -- Strava's sport_type as is: Run, TrailRun, ...
ALTER TABLE core.activities ADD COLUMN trainer BOOLEAN;             -- Strava's "indoor / trainer" flag
ALTER TABLE core.activities ADD COLUMN description VARCHAR;
ALTER TABLE core.activities ADD COLUMN private_note VARCHAR;
ALTER TABLE core.activities ADD COLUMN strava_meta_from VARCHAR;    -- api or export: where the Strava fields came from
ALTER TABLE core.activities ADD COLUMN strava_fingerprint VARCHAR;  -- hash of the API summary: an edit changes it

ALTER TABLE core.samples ADD COLUMN grade_pct DOUBLE;               -- Strava's grade_smooth stream
ALTER TABLE core.samples ADD COLUMN moving BOOLEAN;                 -- Strava's moving stream

-- One row per athlete connected to Strava, written in the same transaction as each activity.
CREATE TABLE core.strava_sync (
    athlete_id          INTEGER PRIMARY KEY,
    strava_athlete_id   BIGINT,
    cursor_start_utc    TIMESTAMP,     -- start of the newest activity synced in order; the next sync lists after it
    backfill_done       BOOLEAN NOT NULL DEFAULT false,
    activities_synced   INTEGER NOT NULL DEFAULT 0,
    last_sync_at        TIMESTAMP,
    last_reconciled_at  TIMESTAMP,     -- last complete listing: deletions and late uploads applied
    last_stop_reason    VARCHAR
);
