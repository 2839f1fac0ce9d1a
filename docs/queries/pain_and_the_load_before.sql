-- Each pain entry next to the load before it: the 7 and 28 days' running, the longest run of
-- the 21 days before, and the load alerts (warn or high) seen in those 21 days.
SELECT p."date", p.athlete, p.place, p.score, p.source,
       round(l.distance_7d_m / 1000, 1) AS km_7d,
       round(l.distance_prev_7d_m / 1000, 1) AS km_prev_7d,
       (SELECT round(max(m.distance_m) / 1000, 1) FROM activity_metrics m
        WHERE m.athlete = p.athlete AND m.activity_class = 'run'
          AND m.local_date BETWEEN p."date" - 21 AND p."date") AS longest_run_21d_km,
       (SELECT string_agg(DISTINCT a.factor, ', ' ORDER BY a.factor) FROM alerts a
        WHERE a.athlete = p.athlete AND a.severity IN ('warn', 'high')
          AND a.factor IN ('load_ramp', 'long_run_spike', 'rest_days', 'hill_exposure',
                           'cadence', 'surface_variety', 'shoe_change', 'bone_stress_pattern')
          AND a."date" <= p."date" AND a.last_seen >= p."date" - 21) AS load_alerts_21d
FROM pain p
LEFT JOIN load_signals l ON l.athlete = p.athlete AND l.day = p."date"
ORDER BY p."date" DESC, p.athlete, p.place;
