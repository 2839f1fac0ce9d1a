-- bone_stress_pattern: several load patterns at warn or above within a few days of each
-- other (the catalogue's [bone_stress] patterns), from this evaluation's findings. A
-- heuristic, not a validated score.
WITH f AS (
    SELECT DISTINCT factor, day
    FROM rule_findings
    WHERE athlete = $athlete
      AND list_contains($bone_stress_patterns, factor)
      AND severity IN ('warn', 'high')
),
days AS (
    SELECT day FROM daily_load WHERE athlete = $athlete AND day <= $as_of
)
SELECT $athlete AS athlete, d.day, 'high' AS severity,
       json_object(
           'day', d.day,
           'factors', list(DISTINCT f.factor ORDER BY f.factor),
           'since', min(f.day)
       ) AS evidence
FROM days d JOIN f ON f.day BETWEEN d.day - ($window_days::INTEGER - 1) AND d.day
GROUP BY d.day
HAVING count(DISTINCT f.factor) >= $min_factors
