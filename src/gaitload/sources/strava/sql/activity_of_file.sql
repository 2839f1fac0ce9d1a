-- The session of an imported file that an export's csv line describes (nearest start).
SELECT activity_id FROM core.activities
WHERE athlete_id = $athlete_id AND file_sha256 = $sha256
ORDER BY abs(epoch(start_time_utc) - epoch(coalesce($start_utc::TIMESTAMP, start_time_utc)))
LIMIT 1
