-- Every note of an athlete's activities, with the activity's local day.
SELECT activity_id, (start_time_utc + to_minutes(utc_offset_min))::DATE AS day,
       description, private_note, fit_notes
FROM core.activities
WHERE athlete_id = $athlete_id
  AND (description IS NOT NULL OR private_note IS NOT NULL OR fit_notes IS NOT NULL)
