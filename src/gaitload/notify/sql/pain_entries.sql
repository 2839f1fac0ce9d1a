-- The athlete's pain entries from $first_day to $as_of (the chart's weeks), oldest first, each
-- with the running before it: the 7 days up to its day and the 7 before those, and the load
-- alerts open on any of the $lookback_days days up to it, at warn or high by that day (rules
-- that fire on pain itself, $pain_factors, are not load and are left out).
WITH entries AS (
    SELECT entry_id, "date", location, side, place, bone, score, note
    FROM pain
    WHERE athlete = $athlete AND "date" BETWEEN $first_day AND $as_of
),
open_before AS (
    SELECT e.entry_id, a."date", a.factor, a.title,
           CASE WHEN a.severity_since <= e."date" THEN a.severity ELSE a.opened_severity END
               AS severity
    FROM entries e
    JOIN alerts a
      ON a.athlete = $athlete AND a.status <> 'withdrawn'
     AND NOT list_contains($pain_factors, a.factor)
     AND a."date" <= e."date"
     AND (a.resolved_on IS NULL OR a.resolved_on > e."date" - $lookback_days)
),
load_alerts AS (
    SELECT entry_id,
           list({'title': title, 'severity': severity, 'opened_on': "date"} ORDER BY "date", factor)
               AS alerts
    FROM open_before
    WHERE severity <> 'info'
    GROUP BY entry_id
)
SELECT e."date", e.location, e.side, e.place, e.bone, e.score, e.note,
       s.distance_7d_m / 1000 AS km_7d,
       s.distance_prev_7d_m / 1000 AS km_prev_7d,
       s.ramp_7d_pct,
       coalesce(l.alerts, []) AS alerts
FROM entries e
LEFT JOIN load_signals s ON s.athlete = $athlete AND s.day = e."date"
LEFT JOIN load_alerts l USING (entry_id)
ORDER BY e."date", e.location, e.side NULLS FIRST
