-- Files already decided on, by content: (hash, status, first file name) of those in $hashes.
SELECT sha256, status, file_name
FROM core.source_files
WHERE sha256 IN (SELECT unnest($hashes::VARCHAR[]))
