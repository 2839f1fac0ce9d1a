-- Weekly descent against its 28-day weekly average: the downhill pounding the article warns of.
SELECT athlete, day AS week_end, round(descent_7d_m) AS descent_7d_m,
       round(descent_28d_weekly_avg_m) AS usual_week_m, round(descent_ratio, 2) AS ratio
FROM load_signals
WHERE dayofweek(day) = 0 AND descent_7d_m > 0
ORDER BY athlete, day;
