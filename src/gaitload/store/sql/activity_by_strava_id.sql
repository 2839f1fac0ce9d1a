SELECT activity_id FROM core.activities WHERE athlete_id = $athlete_id AND strava_id = $strava_id
