-- What measures.sql and auc.sql both count: the injuries on scored days, and every scored
-- day of every athlete, positive when an injury follows within 7 days (day + 1 .. day + 7).
CREATE OR REPLACE TEMP TABLE bt_injury_days AS
SELECT DISTINCT i.athlete, i.day
FROM bt_injuries i JOIN bt_periods p
  ON p.athlete = i.athlete AND i.day BETWEEN p.scored_from AND p.last_day;
CREATE OR REPLACE TEMP TABLE bt_days AS
WITH days AS (
    SELECT athlete, unnest(generate_series(scored_from, last_day, INTERVAL 1 DAY))::DATE AS day
    FROM bt_periods
)
SELECT d.athlete, d.day,
       EXISTS (SELECT 1 FROM bt_injury_days i
               WHERE i.athlete = d.athlete AND i.day BETWEEN d.day + 1 AND d.day + 7) AS pos
FROM days d;
