-- Sources without their names in the store: an activity's identities at services become
-- (source, external_id) rows, and every source's sync cursor one row of core.source_sync.
-- The Strava columns' values move here unchanged; the public views keep their columns.

-- The service's own sport name, how its fields arrived and its summary's hash go with the id.
CREATE TABLE core.activity_sources (
    activity_id  BIGINT NOT NULL,
    source       VARCHAR NOT NULL,     -- the service: strava
    external_id  VARCHAR NOT NULL,     -- the activity's id there, as text
    sport_type   VARCHAR,              -- the service's sport name as is: Run, TrailRun, ...
    via          VARCHAR,              -- how its fields arrived: api or export (Strava)
    fingerprint  VARCHAR,              -- hash of the service's summary: an edit changes it
    PRIMARY KEY (activity_id, source)
);

INSERT INTO core.activity_sources (activity_id, source, external_id, sport_type, via, fingerprint)
SELECT activity_id, 'strava', strava_id::VARCHAR, strava_sport_type, strava_meta_from,
       strava_fingerprint
FROM core.activities
WHERE strava_id IS NOT NULL;

-- One row per source and athlete, written in the same transaction as each activity synced.
CREATE TABLE core.source_sync (
    source              VARCHAR NOT NULL,
    athlete_id          INTEGER NOT NULL,
    account_id          VARCHAR,       -- the athlete's account at the source (Strava athlete id)
    cursor_start_utc    TIMESTAMP,     -- start of the newest activity synced in order
    backfill_done       BOOLEAN NOT NULL DEFAULT false,
    activities_synced   INTEGER NOT NULL DEFAULT 0,
    last_sync_at        TIMESTAMP,
    last_reconciled_at  TIMESTAMP,     -- last complete listing: deletions and late uploads applied
    last_stop_reason    VARCHAR,
    PRIMARY KEY (source, athlete_id)
);

INSERT INTO core.source_sync
SELECT 'strava', athlete_id, strava_athlete_id::VARCHAR, cursor_start_utc, backfill_done,
       activities_synced, last_sync_at, last_reconciled_at, last_stop_reason
FROM core.strava_sync;

DROP VIEW IF EXISTS strava_sync;
DROP TABLE core.strava_sync;

ALTER TABLE core.activities DROP COLUMN strava_id;
ALTER TABLE core.activities DROP COLUMN strava_sport_type;
ALTER TABLE core.activities DROP COLUMN strava_meta_from;
ALTER TABLE core.activities DROP COLUMN strava_fingerprint;
