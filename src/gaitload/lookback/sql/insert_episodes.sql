-- The episodes, as three lists of one length.
INSERT INTO lookback_episodes
SELECT unnest($factors::VARCHAR[]), unnest($opened_on::DATE[]), unnest($last_seen::DATE[])
