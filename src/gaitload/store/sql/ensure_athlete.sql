INSERT INTO core.athletes (name, timezone) VALUES ($name, $timezone)
ON CONFLICT (name) DO UPDATE SET timezone = CASE WHEN $configured THEN excluded.timezone ELSE timezone END
RETURNING athlete_id, timezone
