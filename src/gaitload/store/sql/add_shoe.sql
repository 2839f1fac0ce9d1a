INSERT INTO core.gear (gear_id, athlete_id, kind, name, in_use_from)
VALUES ($gear_id, $athlete_id, 'shoe', $name, $from)
ON CONFLICT (gear_id) DO UPDATE SET name = excluded.name, in_use_from = excluded.in_use_from,
    updated_at = now() AT TIME ZONE 'UTC'
