-- A batch's lines of the ingest log, in the batch's order: log_ingest.sql for many rows.
INSERT INTO core.ingest_log (run_id, athlete_id, source, path, sha256, status, reason, activities, records, decoder)
SELECT run_id, athlete_id, source, path, sha256, status, reason, activities, records, decoder
FROM new_log
ORDER BY position
