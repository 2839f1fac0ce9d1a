-- Activities whose stream metrics are missing or older than the activity itself
-- (of one athlete, or of all when $athlete_id is NULL), in batches of about $batch_samples
-- samples: a batch's samples are read into memory at once, the history never is.
CREATE OR REPLACE TEMP TABLE metric_todo AS
SELECT a.activity_id,
       (sum(a.samples) OVER (ORDER BY a.activity_id) // $batch_samples)::INTEGER AS batch
FROM core.activities a
LEFT JOIN core.activity_metrics m USING (activity_id)
WHERE ($athlete_id IS NULL OR a.athlete_id = $athlete_id)
  AND ($full OR m.activity_id IS NULL OR a.imported_at > m.computed_at)
