-- What another copy of an activity adds: Strava's fields, and a FIT file's notes.
UPDATE core.activities SET
    strava_id = $strava_id, strava_sport_type = $strava_sport_type, trainer = $trainer,
    name = $name, description = $description, private_note = $private_note, gear_id = $gear_id,
    surface = $surface, sport = $sport, sub_sport = $sub_sport, strava_meta_from = $strava_meta_from,
    strava_fingerprint = $strava_fingerprint, fit_notes = $fit_notes
WHERE activity_id = $activity_id
