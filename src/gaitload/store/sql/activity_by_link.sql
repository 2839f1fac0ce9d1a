-- The athlete's activity that a service knows by this id.
SELECT l.activity_id
FROM core.activity_sources l JOIN core.activities a USING (activity_id)
WHERE a.athlete_id = $athlete_id AND l.source = $source AND l.external_id = $external_id
