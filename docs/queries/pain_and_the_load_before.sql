-- Each pain entry next to the load before it (the pain_load view): the 7 days' running
-- against the 7 before, the longest run of the 21 days before, and the load alerts open then.
SELECT p."date", p.athlete, p.place, p.score, p.source,
       round(p.km_7d, 1) AS km_7d,
       round(p.km_prev_7d, 1) AS km_prev_7d,
       (SELECT round(max(m.distance_m) / 1000, 1) FROM activity_metrics m
        WHERE m.athlete = p.athlete AND m.activity_class = 'run'
          AND m.local_date BETWEEN p."date" - 21 AND p."date") AS longest_run_21d_km,
       list_transform(p.load_alerts, lambda a: a.factor || ' (' || a.severity || ')')
           AS load_alerts
FROM pain_load p
ORDER BY p."date" DESC, p.athlete, p.place;
