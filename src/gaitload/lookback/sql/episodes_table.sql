-- The load factors' episodes of this look-back (this connection only): what the weekly
-- series, the pain history and the base rate are matched against.
CREATE OR REPLACE TEMP TABLE lookback_episodes (
    factor    VARCHAR NOT NULL,
    opened_on DATE NOT NULL,
    last_seen DATE NOT NULL
)
