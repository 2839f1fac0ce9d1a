-- An activity already stored that is the same session seen again (another file, another source).
SELECT activity_id, partial, samples, source_file
FROM core.activities
WHERE athlete_id = $athlete_id
  AND sport = $sport
  AND abs(epoch(start_time_utc) - epoch($start_time_utc::TIMESTAMP)) <= 60
ORDER BY activity_id
LIMIT 1
