-- What another copy of an activity adds: a source's fields (title, notes, gear, ...).
UPDATE core.activities SET
    name = $name, trainer = $trainer, description = $description, private_note = $private_note,
    gear_id = $gear_id, fit_notes = $fit_notes, surface = $surface, sport = $sport,
    sub_sport = $sub_sport
WHERE activity_id = $activity_id
