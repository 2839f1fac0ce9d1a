SELECT athlete, "date", activity, field, line, problem
FROM pain_notes_unread
WHERE ($athlete IS NULL OR athlete = $athlete) AND ($since IS NULL OR "date" >= $since)
ORDER BY athlete, "date" DESC
