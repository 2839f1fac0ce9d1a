-- The athlete's pain entries from $first_day to $as_of (the chart's weeks), oldest first,
-- each with the load before it (the pain_load view).
SELECT "date", location, side, place, bone, score, note, km_7d, km_prev_7d, ramp_7d_pct,
       load_alerts AS alerts
FROM pain_load
WHERE athlete = $athlete AND "date" BETWEEN $first_day AND $as_of
ORDER BY "date", location, side NULLS FIRST
