-- persistent_pain: the same place still hurting a week after it started, or its score
-- rising, or severe. Each day a place was reported is judged on the entries up to that day:
-- entries of one place further apart than $episode_gap_days, or after a 0, start again.
WITH days AS (
    SELECT location, side, any_value(place) AS place, "date" AS day, max(score) AS score
    FROM pain
    WHERE athlete = $athlete AND "date" <= $as_of
    GROUP BY location, side, "date"
),
marked AS (
    SELECT *,
           CASE WHEN lag(day) OVER w IS NULL OR day - lag(day) OVER w > $episode_gap_days
                     OR lag(score) OVER w = 0 THEN 1 ELSE 0 END AS starts
    FROM days
    WINDOW w AS (PARTITION BY location, side ORDER BY day)
),
numbered AS (
    SELECT *, sum(starts) OVER (PARTITION BY location, side ORDER BY day) AS episode_no
    FROM marked
),
judged AS (
    SELECT *,
           min(day) OVER e AS started_on,
           first_value(score) OVER e AS first_score
    FROM numbered
    WINDOW e AS (PARTITION BY location, side, episode_no ORDER BY day)
),
flagged AS (
    SELECT *,
           day - started_on >= $warn_days AS persisting,
           score - first_score >= $rise_points AS rising,
           score >= $high_score AS severe
    FROM judged
    WHERE score > 0
)
SELECT $athlete AS athlete, concat_ws(' ', side, location) AS subject, day,
       CASE WHEN severe THEN 'high' ELSE 'warn' END AS severity,
       json_object(
           'day', day,
           'place', place,
           'score', score,
           'started_on', started_on,
           'days', day - started_on,
           'first_score', first_score,
           'persisting', persisting,
           'rising', rising,
           'severe', severe
       ) AS evidence
FROM flagged
WHERE persisting OR rising OR severe
