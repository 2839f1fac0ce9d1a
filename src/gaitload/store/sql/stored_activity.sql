-- What the merge rules need to know of a stored activity (its links: links_of.sql).
SELECT activity_id, source, source_id, source_file, partial, samples, sport, sub_sport,
       surface, name, gear_id, trainer, description, private_note, fit_notes
FROM core.activities WHERE activity_id = $activity_id
