DELETE FROM core.activity_sources WHERE activity_id = $activity_id AND source = $source
