DELETE FROM core.samples WHERE activity_id = $activity_id;
DELETE FROM core.laps WHERE activity_id = $activity_id;
DELETE FROM core.activities WHERE activity_id = $activity_id;
