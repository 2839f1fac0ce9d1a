INSERT INTO core.source_files (sha256, athlete_id, file_name, status, reason)
VALUES ($sha256, $athlete_id, $file_name, $status, $reason)
ON CONFLICT (sha256) DO NOTHING
