INSERT INTO core.athletes (name, timezone, hr_rest, hr_max)
VALUES ($name, $timezone, $hr_rest, $hr_max)
RETURNING athlete_id, timezone
