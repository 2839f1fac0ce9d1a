-- Distance per grade band, in percent: [-inf,-10) [-10,-5) [-5,-2) [-2,2) [2,5) [5,10) [10,inf)
INSERT INTO core.activity_grades
SELECT activity_id,
       CASE WHEN grade < -0.10 THEN 'below -10%'
            WHEN grade < -0.05 THEN '-10% to -5%'
            WHEN grade < -0.02 THEN '-5% to -2%'
            WHEN grade < 0.02 THEN '-2% to 2%'
            WHEN grade < 0.05 THEN '2% to 5%'
            WHEN grade < 0.10 THEN '5% to 10%'
            ELSE '10% and above' END AS grade_bin,
       CASE WHEN grade < -0.10 THEN -50 WHEN grade < -0.05 THEN -10 WHEN grade < -0.02 THEN -5
            WHEN grade < 0.02 THEN -2 WHEN grade < 0.05 THEN 2 WHEN grade < 0.10 THEN 5
            ELSE 10 END AS grade_from,
       sum(d_dist) AS distance_m
FROM metric_features
WHERE grade IS NOT NULL AND d_dist > 0
GROUP BY ALL
