-- heel_pain: heel pain reported, with the article's notes on the plantar fascia.
SELECT $athlete AS athlete, concat_ws(' ', side, location) AS subject, "date" AS day,
       'warn' AS severity,
       json_object('day', "date", 'place', any_value(place), 'score', max(score)) AS evidence
FROM pain
WHERE athlete = $athlete AND "date" <= $as_of AND location = 'heel'
GROUP BY location, side, "date"
HAVING max(score) >= $min_score
