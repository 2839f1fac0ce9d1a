INSERT INTO core.activity_sources (activity_id, source, external_id, sport_type, via, fingerprint)
VALUES ($activity_id, $source, $external_id, $sport_type, $via, $fingerprint)
ON CONFLICT (activity_id, source) DO UPDATE SET
    external_id = excluded.external_id, sport_type = excluded.sport_type, via = excluded.via,
    fingerprint = excluded.fingerprint
