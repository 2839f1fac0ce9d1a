INSERT INTO core.pain_entries (athlete_id, day, location, side, bone, score, note, source)
VALUES ($athlete_id, $day, $location, $side, $bone, $score, $note, 'journal')
RETURNING entry_id
