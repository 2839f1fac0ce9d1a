-- Risk alerts at warn or high, newest first, with what was seen and whether it was emailed.
SELECT "date", athlete, factor, severity, status, delivery, message
FROM alerts
WHERE severity IN ('warn', 'high')
ORDER BY "date" DESC, athlete, factor;
