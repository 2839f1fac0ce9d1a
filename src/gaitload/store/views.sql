-- The stable views users query (documented in docs/schema.md).
-- Recreated by a write-open when they changed (store.db).
CREATE OR REPLACE VIEW athletes AS
SELECT athlete_id, name AS athlete, timezone, hr_rest, hr_max, created_at FROM core.athletes;

CREATE OR REPLACE VIEW activities AS
SELECT
    a.activity_id,
    t.name AS athlete,
    a.source,
    a.source_file,
    a.name,
    a.sport,
    a.sub_sport,
    a.surface,
    a.start_time_utc,
    a.start_time_utc + to_minutes(a.utc_offset_min) AS start_time_local,
    a.utc_offset_min,
    a.offset_source,
    a.moving_time_s,
    a.elapsed_time_s,
    a.distance_m,
    a.ascent_m,
    a.descent_m,
    a.avg_cadence_spm,
    a.avg_hr,
    a.max_hr,
    a.device,
    a.gear_id,
    strava.external_id::BIGINT AS strava_id,
    strava.sport_type AS strava_sport_type,
    a.trainer,
    a.description,
    a.private_note,
    a.fit_notes,
    a.partial,
    a.totals_source,
    a.samples,
    a.start_lat,
    a.start_lon,
    a.imported_at
FROM core.activities a
JOIN core.athletes t USING (athlete_id)
LEFT JOIN core.activity_sources strava ON strava.activity_id = a.activity_id
    AND strava.source = 'strava';

-- Every activity's identities at services: (source, external_id), e.g. ('strava', '1234').
CREATE OR REPLACE VIEW activity_sources AS
SELECT l.activity_id, t.name AS athlete, l.source, l.external_id, l.sport_type, l.via
FROM core.activity_sources l JOIN core.activities a USING (activity_id)
JOIN core.athletes t USING (athlete_id);

CREATE OR REPLACE VIEW laps AS
SELECT l.*, l.start_time_utc + to_minutes(a.utc_offset_min) AS start_time_local,
       t.name AS athlete
FROM core.laps l JOIN core.activities a USING (activity_id) JOIN core.athletes t USING (athlete_id);

CREATE OR REPLACE VIEW samples AS
SELECT s.*, s.ts + to_minutes(a.utc_offset_min) AS ts_local, t.name AS athlete
FROM core.samples s JOIN core.activities a USING (activity_id)
JOIN core.athletes t USING (athlete_id);

CREATE OR REPLACE VIEW gear AS
SELECT g.gear_id, t.name AS athlete, g.kind, g.name, g.source_distance_m, g.retired,
       g.in_use_from
FROM core.gear g JOIN core.athletes t USING (athlete_id);

CREATE OR REPLACE VIEW ingest_log AS
SELECT l.ingest_id, l.run_id, l.logged_at, t.name AS athlete, l.source, l.path, l.sha256,
       l.status, l.reason, l.activities, l.records, l.decoder
FROM core.ingest_log l LEFT JOIN core.athletes t USING (athlete_id);

CREATE OR REPLACE VIEW source_sync AS
SELECT s.source, t.name AS athlete, s.account_id, s.cursor_start_utc, s.backfill_done,
       s.activities_synced, s.last_sync_at, s.last_reconciled_at, s.last_stop_reason
FROM core.source_sync s JOIN core.athletes t USING (athlete_id);

CREATE OR REPLACE VIEW strava_sync AS
SELECT athlete, account_id::BIGINT AS strava_athlete_id, cursor_start_utc, backfill_done,
       activities_synced, last_sync_at, last_reconciled_at, last_stop_reason
FROM source_sync WHERE source = 'strava';
