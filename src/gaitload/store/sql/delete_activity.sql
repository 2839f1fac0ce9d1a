DELETE FROM core.samples WHERE activity_id = $activity_id;
DELETE FROM core.laps WHERE activity_id = $activity_id;
DELETE FROM core.activity_metrics WHERE activity_id = $activity_id;
DELETE FROM core.activity_cadence_pace WHERE activity_id = $activity_id;
DELETE FROM core.activity_grades WHERE activity_id = $activity_id;
DELETE FROM core.activity_sources WHERE activity_id = $activity_id;
DELETE FROM core.activities WHERE activity_id = $activity_id;
