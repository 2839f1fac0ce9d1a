-- How varied the running surfaces were over the last 28 days, by week.
SELECT athlete, day AS week_end, top_surface_28d, round(top_share_28d * 100) AS top_share_pct,
       round(evenness_28d, 2) AS evenness
FROM surface_variety
WHERE dayofweek(day) = 0 AND distance_28d_m > 0
ORDER BY athlete, day;
