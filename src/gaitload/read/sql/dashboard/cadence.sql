SELECT local_date, cadence_spm, baseline_spm, deviation_pct
FROM cadence_baseline
WHERE athlete = $athlete
QUALIFY local_date >= max(local_date) OVER () - INTERVAL ($weeks * 7) DAY
ORDER BY local_date
