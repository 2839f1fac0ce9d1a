-- The injury days: the event days marked 1.
SELECT "Athlete ID" AS id, "Date" AS d
FROM read_csv($path, header = true)
WHERE injury = 1
ORDER BY id, d
