-- Every stored activity a source knows by its id, with what its sync compares.
SELECT l.external_id, a.activity_id, a.source, l.fingerprint, l.via, a.start_time_utc,
       a.elapsed_time_s, a.distance_m
FROM core.activity_sources l JOIN core.activities a USING (activity_id)
WHERE a.athlete_id = $athlete_id AND l.source = $source
