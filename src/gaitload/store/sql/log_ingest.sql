INSERT INTO core.ingest_log (run_id, athlete_id, source, path, sha256, status, reason, activities, records, decoder)
VALUES ($run_id, $athlete_id, $source, $path, $sha256, $status, $reason, $activities, $records, $decoder)
