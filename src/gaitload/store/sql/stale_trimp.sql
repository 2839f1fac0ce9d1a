-- Heart-rate settings changed: this athlete's stored metrics (TRIMP) are recomputed.
DELETE FROM core.activity_metrics
WHERE activity_id IN (SELECT activity_id FROM core.activities WHERE athlete_id = $athlete_id)
