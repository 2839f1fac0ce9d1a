-- Configured values win over stored ones; NULL means "not configured": keep what is stored.
UPDATE core.athletes
SET timezone = coalesce($timezone, timezone),
    hr_rest = coalesce($hr_rest, hr_rest),
    hr_max = coalesce($hr_max, hr_max)
WHERE athlete_id = $athlete_id
