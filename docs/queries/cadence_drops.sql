-- Runs where cadence dropped most from the first to the last third (fatigue shows here).
SELECT athlete, local_date, round(distance_m / 1000, 1) AS km,
       round(cadence_first_third_spm) AS first_third_spm,
       round(cadence_last_third_spm) AS last_third_spm,
       round(cadence_drop_spm, 1) AS drop_spm
FROM activity_metrics
WHERE activity_class = 'run' AND cadence_drop_spm IS NOT NULL
ORDER BY cadence_drop_spm DESC
LIMIT 10;
