-- An athlete's history: the first and last local day with an activity, and the time zone
-- that says which day is today.
SELECT min(m.local_date) AS first_day, max(m.local_date) AS last_day, any_value(t.timezone)
FROM activity_metrics m JOIN athletes t USING (athlete)
WHERE m.athlete = $athlete
