-- Rows about to be recomputed. (A deleted activity's rows go with it: store/sql/delete_activity.sql.)
DELETE FROM core.activity_metrics WHERE activity_id IN (SELECT activity_id FROM metric_todo);
DELETE FROM core.activity_cadence_pace WHERE activity_id IN (SELECT activity_id FROM metric_todo);
DELETE FROM core.activity_grades WHERE activity_id IN (SELECT activity_id FROM metric_todo);
