-- The athlete's alert episodes, newest first.
SELECT "date", factor, severity, status, resolved_on, title, message, evidence, basis, delivery
FROM alerts
WHERE athlete = $athlete
ORDER BY "date" DESC, factor
