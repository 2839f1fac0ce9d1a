-- For each candidate (the frame `candidates`, one row per activity about to be stored), the
-- copy already stored that is the same session seen again (another file, another source), or
-- an earlier candidate of the same batch that is (`earlier`, its position): the best match.
-- Same start (60 s) and either the same sport, or, when the sources name sports differently,
-- the same distance (5 %, at least 100 m) or, without distances, the same duration (5 %, 60 s).
WITH others AS (
    SELECT activity_id, NULL::BIGINT AS position, sport, start_time_utc, file_sha256,
           distance_m, elapsed_time_s
    FROM core.activities
    WHERE athlete_id = $athlete_id
    UNION ALL
    SELECT NULL, position, sport, start_time_utc, file_sha256, distance_m, elapsed_time_s
    FROM candidates
)
SELECT c.position, o.activity_id, o.position AS earlier
FROM candidates c
JOIN others o
  ON o.start_time_utc BETWEEN c.start_time_utc - INTERVAL 61 SECOND
                          AND c.start_time_utc + INTERVAL 61 SECOND
 AND abs(epoch(o.start_time_utc) - epoch(c.start_time_utc)) <= 60
 AND (o.position IS NULL OR o.position < c.position)
 AND o.file_sha256 IS DISTINCT FROM c.file_sha256  -- sessions of one file are never duplicates
 AND NOT EXISTS (  -- two activities a service knows by two ids are two
        SELECT 1 FROM core.activity_sources l
        WHERE l.activity_id = o.activity_id AND l.source = c.link_source)
 AND (
        o.sport = c.sport OR 'generic' IN (o.sport, c.sport)  -- a cut file may not know its sport
     OR (o.distance_m > 0 AND c.distance_m > 0
         AND abs(o.distance_m - c.distance_m)
             <= greatest(0.05 * greatest(o.distance_m, c.distance_m), 100))
     OR (coalesce(o.distance_m, 0) = 0 AND coalesce(c.distance_m, 0) = 0
         AND abs(o.elapsed_time_s - c.elapsed_time_s)
             <= greatest(0.05 * greatest(o.elapsed_time_s, c.elapsed_time_s), 60))
 )
QUALIFY row_number() OVER (
    PARTITION BY c.position
    ORDER BY abs(epoch(o.start_time_utc) - epoch(c.start_time_utc)), o.activity_id NULLS LAST,
             o.position
) = 1
ORDER BY c.position
