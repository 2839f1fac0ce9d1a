-- What the merge rules need to know of a stored activity.
SELECT activity_id, source, source_id, source_file, partial, samples, sport, sub_sport,
       surface, name, gear_id,
       strava_id, strava_sport_type, trainer, description, private_note, strava_meta_from,
       strava_fingerprint, fit_notes
FROM core.activities WHERE activity_id = $activity_id
