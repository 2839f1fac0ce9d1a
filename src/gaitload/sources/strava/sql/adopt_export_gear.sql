-- The API names a shoe the export only knew by name: its activities move to the Strava id.
UPDATE core.activities SET gear_id = $gear_id
WHERE athlete_id = $athlete_id AND gear_id = $export_gear_id;
DELETE FROM core.gear
WHERE athlete_id = $athlete_id AND gear_id = $export_gear_id AND gear_id <> $gear_id;
