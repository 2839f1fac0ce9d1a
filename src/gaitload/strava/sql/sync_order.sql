-- Athletes whose history is complete first: their nightly sync needs few requests.
SELECT t.name FROM core.athletes t LEFT JOIN core.strava_sync s USING (athlete_id)
ORDER BY coalesce(s.backfill_done, false) DESC, t.name
