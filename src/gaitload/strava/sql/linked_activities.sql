-- Every stored activity that knows its Strava id, with what the sync compares.
SELECT strava_id, activity_id, source, strava_fingerprint, strava_meta_from, start_time_utc,
       elapsed_time_s, distance_m
FROM core.activities
WHERE athlete_id = $athlete_id AND strava_id IS NOT NULL
