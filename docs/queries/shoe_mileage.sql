-- Distance per shoe: the article's advice is to replace them every 480-800 km.
SELECT athlete, name, runs, round(distance_m / 1000) AS km, first_used, last_used
FROM gear_usage
WHERE kind = 'shoe'
ORDER BY distance_m DESC;
