SELECT entry_id AS id, athlete, "date", place, bone, score, note, source, activity
FROM pain
WHERE ($athlete IS NULL OR athlete = $athlete) AND ($since IS NULL OR "date" >= $since)
ORDER BY athlete, "date" DESC, location, side
