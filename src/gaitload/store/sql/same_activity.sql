-- An activity already stored that is the same session seen again (another file, another source).
SELECT activity_id, partial, samples, source_file
FROM core.activities
WHERE athlete_id = $athlete_id
  AND (sport = $sport OR 'generic' IN (sport, $sport))  -- a cut file may not know its sport
  AND abs(epoch(start_time_utc) - epoch($start_time_utc::TIMESTAMP)) <= 60
  AND file_sha256 IS DISTINCT FROM $file_sha256  -- sessions of one file are never duplicates
ORDER BY activity_id
LIMIT 1
