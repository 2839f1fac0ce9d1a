-- What every rule found, day by day, in this evaluation (this connection only).
CREATE OR REPLACE TEMP TABLE rule_findings (
    factor     VARCHAR NOT NULL,
    athlete    VARCHAR NOT NULL,
    subject    VARCHAR NOT NULL DEFAULT '',
    day        DATE NOT NULL,
    severity   VARCHAR NOT NULL,
    evidence   JSON NOT NULL,
    clear_days INTEGER NOT NULL
)
