-- Injuries from the pain journal: each pain episode's first day and place.
SELECT athlete, started_on AS day, place
FROM pain_episodes
WHERE $athlete IS NULL OR athlete = $athlete
ORDER BY athlete, day
