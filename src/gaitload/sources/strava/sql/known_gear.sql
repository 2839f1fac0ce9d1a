SELECT gear_id FROM core.gear WHERE athlete_id = $athlete_id
