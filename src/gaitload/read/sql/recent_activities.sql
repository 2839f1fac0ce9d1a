SELECT activity_id AS id, athlete, start_time_local::TIMESTAMP(0) AS "local start", sport,
       surface, round(distance_m / 1000, 2) AS km,
       to_seconds(moving_time_s::BIGINT)::VARCHAR AS moving, round(ascent_m) AS "ascent m",
       round(avg_cadence_spm) AS spm, round(avg_hr) AS hr, source_file AS file,
       CASE WHEN partial THEN 'partial' ELSE '' END AS note
FROM activities
WHERE $athlete IS NULL OR athlete = $athlete
ORDER BY start_time_utc DESC
LIMIT $limit
