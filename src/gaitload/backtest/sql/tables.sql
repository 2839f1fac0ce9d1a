-- The backtest's working tables (this connection only): each athlete's period, the
-- episodes at warn or high, and the injuries.
CREATE OR REPLACE TEMP TABLE bt_periods (
    athlete     VARCHAR NOT NULL,
    first_day   DATE NOT NULL,    -- the first day of the history
    scored_from DATE NOT NULL,    -- the first day scored: rules need weeks of history
    last_day    DATE NOT NULL     -- the day evaluated as "today"
);
CREATE OR REPLACE TEMP TABLE bt_episodes (
    athlete    VARCHAR NOT NULL,
    factor     VARCHAR NOT NULL,
    warn_from  DATE NOT NULL,     -- the first day at warn or above
    high_from  DATE,              -- the first day at high, if it got there
    open_until DATE NOT NULL      -- the last day open (the day before resolved_on)
);
CREATE OR REPLACE TEMP TABLE bt_injuries (
    athlete VARCHAR NOT NULL,
    day     DATE NOT NULL,
    place   VARCHAR
);
CREATE OR REPLACE TEMP TABLE bt_factors (
    factor VARCHAR NOT NULL
);
