-- The heart-rate settings TRIMP uses, for each activity to compute.
SELECT m.activity_id,
       coalesce(t.hr_rest, $default_hr_rest)::DOUBLE AS hr_rest,
       coalesce(t.hr_max, $default_hr_max)::DOUBLE AS hr_max
FROM metric_todo m
JOIN core.activities a ON a.activity_id = m.activity_id
JOIN core.athletes t ON t.athlete_id = a.athlete_id
ORDER BY m.activity_id
