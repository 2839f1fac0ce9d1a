-- What every rule found, day by day, in this evaluation (this connection only), and what
-- several rules read.
CREATE OR REPLACE TEMP TABLE rule_findings (
    factor     VARCHAR NOT NULL,
    athlete    VARCHAR NOT NULL,
    subject    VARCHAR NOT NULL DEFAULT '',
    day        DATE NOT NULL,
    severity   VARCHAR NOT NULL,
    evidence   JSON NOT NULL,
    clear_days INTEGER NOT NULL
);

-- The hill sessions of an athlete up to a day: runs with at least `min_steep_m` on grades
-- steeper than +-5 % (a run without altitude, a treadmill, is never one). One definition for
-- the rules that read it (hill_exposure, recovery_ramp).
CREATE OR REPLACE TEMP MACRO hill_sessions(for_athlete, up_to, min_steep_m) AS TABLE
    SELECT day, steepest_run_m AS steep_m
    FROM daily_load
    WHERE athlete = for_athlete AND day <= up_to AND steepest_run_m >= min_steep_m;
