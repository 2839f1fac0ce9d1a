-- An activity already stored that is the same session seen again (another file, another source).
-- Same start (60 s) and either the same sport, or, when the sources name sports differently,
-- the same distance (5 %, at least 100 m) or, without distances, the same duration (5 %, 60 s).
SELECT activity_id
FROM core.activities a
WHERE athlete_id = $athlete_id
  AND abs(epoch(start_time_utc) - epoch($start_time_utc::TIMESTAMP)) <= 60
  AND file_sha256 IS DISTINCT FROM $file_sha256  -- sessions of one file are never duplicates
  AND NOT EXISTS (  -- two activities a service knows by two ids are two
        SELECT 1 FROM core.activity_sources l
        WHERE l.activity_id = a.activity_id AND l.source = $link_source::VARCHAR)
  AND (
        sport = $sport OR 'generic' IN (sport, $sport)  -- a cut file may not know its sport
     OR (distance_m > 0 AND $distance_m > 0
         AND abs(distance_m - $distance_m) <= greatest(0.05 * greatest(distance_m, $distance_m), 100))
     OR (coalesce(distance_m, 0) = 0 AND coalesce($distance_m, 0) = 0
         AND abs(elapsed_time_s - $elapsed_time_s)
             <= greatest(0.05 * greatest(elapsed_time_s, $elapsed_time_s), 60))
  )
ORDER BY abs(epoch(start_time_utc) - epoch($start_time_utc::TIMESTAMP)), activity_id
LIMIT 1
