-- My weekly running distance and its week-over-week change this year.
SELECT week_start, round(km, 1) AS km, runs, rest_days,
       round(km_change_pct) AS change_pct
FROM weekly_load
WHERE week_start >= date_trunc('year', current_date)
ORDER BY athlete, week_start;
