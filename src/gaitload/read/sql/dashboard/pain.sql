-- The athlete's pain entries, newest first, each with the load before it (the pain_load
-- view), its load alerts as one line and its source in words.
SELECT "date", location, side, place, bone, score, note,
       CASE source WHEN 'journal' THEN 'journal'
                   WHEN 'strava_description' THEN 'Strava description'
                   WHEN 'strava_private_note' THEN 'Strava private note'
                   WHEN 'fit_notes' THEN 'FIT notes'
                   ELSE source END
           || coalesce(' of ' || activity, '') AS source,
       km_7d, km_prev_7d, ramp_7d_pct,
       coalesce(nullif(array_to_string(list_transform(load_alerts, lambda a:
           a.title || ' (' || a.severity || ', opened ' || a.opened_on || ')'), '; '), ''),
           'none') AS load_alerts
FROM pain_load
WHERE athlete = $athlete
ORDER BY "date" DESC, location, side NULLS FIRST
