-- Risk alerts: episodes found by the rules (gaitload.rules), and the emails about them
-- (gaitload.notify). Users query the `alerts` view (rules/views.sql).
CREATE SEQUENCE IF NOT EXISTS core.alert_episode_ids START 1;

-- One row per episode: a pattern that fired for an athlete (and a shoe, for shoe rules) on
-- consecutive evaluations until it stayed clear for `clear_days`. Re-evaluation updates the
-- row it overlaps, so an episode keeps its id, and its emails, as the history grows.
CREATE TABLE core.alert_episodes (
    episode_id      BIGINT PRIMARY KEY DEFAULT nextval('core.alert_episode_ids'),
    athlete_id      INTEGER NOT NULL,
    factor          VARCHAR NOT NULL,        -- the rule id, e.g. long_run_spike
    subject         VARCHAR NOT NULL DEFAULT '',  -- what it is about beyond the athlete: a gear_id
    opened_on       DATE NOT NULL,           -- local day it first fired
    opened_severity VARCHAR NOT NULL,
    severity        VARCHAR NOT NULL,        -- the highest reached: info, warn, high
    severity_since  DATE NOT NULL,           -- first day at that severity (escalation day)
    last_seen       DATE NOT NULL,
    resolved_on     DATE,                    -- last_seen + clear_days, once that day has come
    status          VARCHAR NOT NULL,        -- open, resolved, withdrawn
    title           VARCHAR NOT NULL,
    message         VARCHAR NOT NULL,        -- the numbers it fired on, in words
    evidence        JSON NOT NULL,           -- the numbers on severity_since
    thresholds      JSON NOT NULL,           -- the thresholds in force for this athlete
    basis           VARCHAR NOT NULL,        -- the study and effect size, or the article's advice
    evaluated_as_of DATE NOT NULL,
    created_at      TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    updated_at      TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);

-- One email per athlete and run (it may cover several episodes). The Message-ID is chosen
-- before anything is sent, so a retry is the same message.
CREATE TABLE core.alert_messages (
    message_id   VARCHAR PRIMARY KEY,        -- the Message-ID header, with its <>
    athlete_id   INTEGER NOT NULL,
    as_of        DATE NOT NULL,              -- the day the alerts were evaluated for
    status       VARCHAR NOT NULL DEFAULT 'pending',  -- pending, attempting, sent, unconfirmed, cancelled
    transport    VARCHAR,                    -- smtp or outbox, of the last attempt
    recipients   VARCHAR,                    -- as sent
    outbox_path  VARCHAR,                    -- the .eml file, for the outbox
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   VARCHAR,
    created_at   TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    attempted_at TIMESTAMP,
    sent_at      TIMESTAMP
);

-- What was decided for each episode at each severity: emailed in a message, or (message_id
-- NULL) recorded as past. The key is the "never twice" guarantee.
CREATE TABLE core.alert_notices (
    episode_id  BIGINT NOT NULL,
    severity    VARCHAR NOT NULL,
    message_id  VARCHAR,
    decided_at  TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    PRIMARY KEY (episode_id, severity)
);
