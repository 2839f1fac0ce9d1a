-- Rows to recompute, and rows whose activity is gone (replaced by a fuller copy, deleted).
DELETE FROM core.activity_metrics
WHERE activity_id IN (SELECT activity_id FROM metric_todo)
   OR activity_id NOT IN (SELECT activity_id FROM core.activities);
DELETE FROM core.activity_cadence_pace
WHERE activity_id IN (SELECT activity_id FROM metric_todo)
   OR activity_id NOT IN (SELECT activity_id FROM core.activities);
DELETE FROM core.activity_grades
WHERE activity_id IN (SELECT activity_id FROM metric_todo)
   OR activity_id NOT IN (SELECT activity_id FROM core.activities);
