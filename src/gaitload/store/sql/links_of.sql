SELECT source, external_id, sport_type, via, fingerprint
FROM core.activity_sources WHERE activity_id = $activity_id
