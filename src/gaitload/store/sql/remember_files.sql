-- A batch's files, decided: remember_file.sql for many rows at once (the frame new_files).
INSERT INTO core.source_files (sha256, athlete_id, file_name, status, reason)
SELECT sha256, athlete_id, file_name, status, reason FROM new_files
ON CONFLICT (sha256) DO NOTHING
