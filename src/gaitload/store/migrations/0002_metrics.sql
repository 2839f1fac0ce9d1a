-- Per-activity stream metrics, computed once per activity by gaitload.metrics.refresh.
-- Everything across activities (days, weeks, rolling windows) is a view over these.
ALTER TABLE core.athletes ADD COLUMN hr_rest DOUBLE;
ALTER TABLE core.athletes ADD COLUMN hr_max DOUBLE;

CREATE TABLE core.activity_metrics (
    activity_id         BIGINT PRIMARY KEY,
    computed_at         TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    moving_s            DOUBLE,      -- seconds moving (pauses and standing still left out)
    has_gps             BOOLEAN NOT NULL,
    gps_extent_m        DOUBLE,      -- diagonal of the track's bounding box
    ascent_m            DOUBLE,      -- from the smoothed altitude, with hysteresis
    descent_m           DOUBLE,
    distance_up5_m      DOUBLE,      -- distance on grades steeper than +5 %
    distance_down5_m    DOUBLE,      -- ... and steeper than -5 %
    cadence_avg_spm     DOUBLE,      -- moving-time weighted
    cadence_p10_spm     DOUBLE,
    cadence_p50_spm     DOUBLE,
    cadence_p90_spm     DOUBLE,
    cadence_first_third_spm DOUBLE,
    cadence_last_third_spm  DOUBLE,
    hr_avg              DOUBLE,
    trimp               DOUBLE       -- Banister TRIMP; NULL without heart rate
);

CREATE TABLE core.activity_cadence_pace (
    activity_id BIGINT NOT NULL,
    speed_bin   DOUBLE NOT NULL,     -- lower edge, m/s, 0.25 m/s wide
    seconds     DOUBLE NOT NULL,
    cadence_spm DOUBLE NOT NULL,
    PRIMARY KEY (activity_id, speed_bin)
);

CREATE TABLE core.activity_grades (
    activity_id BIGINT NOT NULL,
    grade_bin   VARCHAR NOT NULL,
    grade_from  DOUBLE NOT NULL,     -- percent, lower edge (inclusive)
    distance_m  DOUBLE NOT NULL,
    PRIMARY KEY (activity_id, grade_bin)
);

-- A shoe the user says they run in from a date on: runs without gear of their own (FIT
-- files carry none) are counted on the shoe in use that day.
ALTER TABLE core.gear ADD COLUMN in_use_from DATE;
