-- The pain journal (gaitload.pain): what hurts, where, how much, on which local day. Users
-- query the `pain` and `pain_episodes` views (pain/views.sql).
CREATE SEQUENCE IF NOT EXISTS core.pain_entry_ids START 1;

-- One row per place that hurt on a day. `journal` rows come from `gaitload pain add`; the
-- other sources are read from activity notes and re-read whenever activities are imported
-- or synced, so an edited or deleted note changes its rows.
CREATE TABLE core.pain_entries (
    entry_id    BIGINT PRIMARY KEY DEFAULT nextval('core.pain_entry_ids'),
    athlete_id  INTEGER NOT NULL,
    day         DATE NOT NULL,            -- the athlete's local date
    location    VARCHAR NOT NULL,         -- heel, ball, arch, top, toes, general, achilles, ...
    side        VARCHAR,                  -- left, right, or NULL (not said)
    bone        BOOLEAN NOT NULL DEFAULT false,  -- point pain on a bone
    score       INTEGER NOT NULL,         -- 0 (gone) to 10
    note        VARCHAR,
    source      VARCHAR NOT NULL,         -- journal, strava_description, strava_private_note, fit_notes
    activity_id BIGINT,                   -- the activity whose note it was read from
    created_at  TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);

-- Lines of activity notes that start with "pain:" but could not be read: left alone, listed.
CREATE TABLE core.pain_note_problems (
    athlete_id  INTEGER NOT NULL,
    activity_id BIGINT NOT NULL,
    field       VARCHAR NOT NULL,         -- description, private_note, fit_notes
    line        VARCHAR NOT NULL,
    problem     VARCHAR NOT NULL
);

ALTER TABLE core.activities ADD COLUMN fit_notes VARCHAR;
