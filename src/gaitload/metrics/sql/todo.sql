-- Activities whose stream metrics are missing or older than the activity itself.
CREATE OR REPLACE TEMP TABLE metric_todo AS
SELECT a.activity_id
FROM core.activities a
LEFT JOIN core.activity_metrics m USING (activity_id)
WHERE $full OR m.activity_id IS NULL OR a.imported_at > m.computed_at
