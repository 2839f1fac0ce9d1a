-- Athletes whose history is complete first: their nightly sync needs few requests.
SELECT t.name FROM core.athletes t
LEFT JOIN core.source_sync s ON s.athlete_id = t.athlete_id AND s.source = $source
ORDER BY coalesce(s.backfill_done, false) DESC, t.name
