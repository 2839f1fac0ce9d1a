-- Core tables. Users query the views in views.sql; these may change with a migration.
-- No FOREIGN KEYs: DuckDB implements upserts on a referenced row as delete + insert, which
-- its FK check refuses; the single writer (store/writer.py) keeps the references whole.
CREATE SCHEMA IF NOT EXISTS core;

CREATE SEQUENCE IF NOT EXISTS core.athlete_ids START 1;
CREATE SEQUENCE IF NOT EXISTS core.activity_ids START 1;
CREATE SEQUENCE IF NOT EXISTS core.ingest_ids START 1;

CREATE TABLE core.athletes (
    athlete_id  INTEGER PRIMARY KEY DEFAULT nextval('core.athlete_ids'),
    name        VARCHAR NOT NULL UNIQUE,
    timezone    VARCHAR NOT NULL,            -- IANA zone: the fallback for local days and weeks
    created_at  TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);

CREATE TABLE core.gear (
    gear_id     VARCHAR PRIMARY KEY,         -- source-qualified, e.g. 'strava:g123' or 'user:hoka-1'
    athlete_id  INTEGER NOT NULL,
    kind        VARCHAR NOT NULL DEFAULT 'shoe',
    name        VARCHAR NOT NULL,
    source_distance_m DOUBLE,                -- what the source says the gear has done, if anything
    retired     BOOLEAN NOT NULL DEFAULT false,
    updated_at  TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);

CREATE TABLE core.activities (
    activity_id     BIGINT PRIMARY KEY DEFAULT nextval('core.activity_ids'),
    athlete_id      INTEGER NOT NULL,
    source          VARCHAR NOT NULL,        -- fit, strava, export
    source_id       VARCHAR NOT NULL,        -- fit: '<sha256>:<session index>'
    source_file     VARCHAR,
    file_sha256     VARCHAR,
    name            VARCHAR,
    sport           VARCHAR NOT NULL,
    sub_sport       VARCHAR,
    surface         VARCHAR,
    start_time_utc  TIMESTAMP NOT NULL,
    utc_offset_min  INTEGER NOT NULL,
    offset_source   VARCHAR NOT NULL,        -- file, gps, athlete
    timezone        VARCHAR,
    moving_time_s   DOUBLE,
    elapsed_time_s  DOUBLE,
    distance_m      DOUBLE,
    ascent_m        DOUBLE,
    descent_m       DOUBLE,
    avg_cadence_spm DOUBLE,
    avg_hr          DOUBLE,
    max_hr          DOUBLE,
    totals_source   VARCHAR NOT NULL,        -- session or records
    device          VARCHAR,
    gear_id         VARCHAR,
    start_lat       DOUBLE,
    start_lon       DOUBLE,
    partial         BOOLEAN NOT NULL DEFAULT false,
    samples         INTEGER NOT NULL DEFAULT 0,
    imported_at     TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    UNIQUE (source, source_id)
);

CREATE TABLE core.laps (
    activity_id     BIGINT NOT NULL,
    lap_index       INTEGER NOT NULL,
    start_time_utc  TIMESTAMP,
    elapsed_time_s  DOUBLE,
    moving_time_s   DOUBLE,
    distance_m      DOUBLE,
    ascent_m        DOUBLE,
    descent_m       DOUBLE,
    avg_cadence_spm DOUBLE,
    avg_hr          DOUBLE,
    PRIMARY KEY (activity_id, lap_index)
);

-- No primary key: it would cost an index over millions of rows; activity_id orders the file.
CREATE TABLE core.samples (
    activity_id BIGINT NOT NULL,
    ts          TIMESTAMP NOT NULL,          -- UTC
    elapsed_s   DOUBLE NOT NULL,
    lat         DOUBLE,
    lon         DOUBLE,
    altitude_m  DOUBLE,
    distance_m  DOUBLE,
    speed_m_s   DOUBLE,
    heart_rate  SMALLINT,
    cadence_spm DOUBLE,                      -- foot sports: steps per minute
    cadence_rpm DOUBLE,                      -- other sports: the device's cadence as is
    power_w     INTEGER
);

-- Every input file the importer has decided on, by content: the idempotency key.
CREATE TABLE core.source_files (
    sha256      VARCHAR PRIMARY KEY,
    athlete_id  INTEGER NOT NULL,
    file_name   VARCHAR NOT NULL,
    status      VARCHAR NOT NULL,            -- imported, partial, duplicate, skipped
    reason      VARCHAR,
    decided_at  TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);

CREATE TABLE core.ingest_log (
    ingest_id   BIGINT PRIMARY KEY DEFAULT nextval('core.ingest_ids'),
    run_id      VARCHAR NOT NULL,
    logged_at   TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    athlete_id  INTEGER,
    source      VARCHAR NOT NULL,
    path        VARCHAR NOT NULL,
    sha256      VARCHAR,
    status      VARCHAR NOT NULL,            -- imported, partial, duplicate, skipped, rejected
    reason      VARCHAR,
    activities  INTEGER NOT NULL DEFAULT 0,
    records     INTEGER NOT NULL DEFAULT 0,
    decoder     VARCHAR
);
