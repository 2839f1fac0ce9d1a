INSERT INTO core.gear (gear_id, athlete_id, kind, name, source_distance_m, retired)
VALUES ($gear_id, $athlete_id, $kind, $name, $distance_m, $retired)
ON CONFLICT (gear_id) DO UPDATE SET
    kind = excluded.kind, name = excluded.name, source_distance_m = excluded.source_distance_m,
    retired = excluded.retired, updated_at = now() AT TIME ZONE 'UTC'
