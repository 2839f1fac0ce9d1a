-- bone_stress_pain: pain on the top of the foot, or at one point on a bone, within
-- $window_days after a load pattern at warn or above (this evaluation's findings of
-- the catalogue's [bone_stress] patterns). The window is a convention.
WITH reported AS (
    SELECT location, side, any_value(place) AS place, "date" AS day, max(score) AS score,
           bool_or(bone) AS bone
    FROM pain
    WHERE athlete = $athlete AND "date" <= $as_of AND score > 0
      AND (location = 'top' OR bone)
    GROUP BY location, side, "date"
),
load AS (
    SELECT DISTINCT factor, day
    FROM rule_findings
    WHERE athlete = $athlete
      AND list_contains($bone_stress_patterns, factor)
      AND severity IN ('warn', 'high')
),
matched AS (
    SELECT r.location, r.side, r.place, r.day, r.score, r.bone, l.factor,
           max(l.day) AS factor_day
    FROM reported r
    JOIN load l ON l.day BETWEEN r.day - ($window_days::INTEGER - 1) AND r.day
    GROUP BY ALL
)
SELECT $athlete AS athlete, concat_ws(' ', side, location) AS subject, day, 'high' AS severity,
       json_object(
           'day', day,
           'place', place,
           'score', score,
           'bone', bone,
           'factors', list({'factor': factor, 'day': factor_day} ORDER BY factor_day, factor)
       ) AS evidence
FROM matched
GROUP BY location, side, place, day, score, bone
