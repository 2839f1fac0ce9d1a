-- cadence: runs well below the athlete's own 8-week, pace-matched baseline (warn when two
-- or more fall in 7 days), or a low baseline (info). Judged on the days around the runs.
WITH runs AS (
    SELECT local_date AS day, cadence_spm, baseline_spm, deviation_pct
    FROM cadence_baseline
    WHERE athlete = $athlete AND local_date <= $as_of
      AND baseline_runs >= $min_baseline_runs AND baseline_spm > 0
),
days AS (
    SELECT day FROM daily_load WHERE athlete = $athlete AND day <= $as_of
),
windows AS (
    SELECT d.day,
           count(*) FILTER (WHERE r.deviation_pct <= -$warn_below_pct) AS runs_below,
           arg_min(r, r.deviation_pct) AS lowest,
           arg_max(r.baseline_spm, r.day) AS baseline_spm
    FROM days d JOIN runs r ON r.day BETWEEN d.day - 6 AND d.day
    GROUP BY d.day
)
SELECT $athlete AS athlete, day,
       CASE WHEN runs_below >= $warn_runs THEN 'warn' ELSE 'info' END AS severity,
       json_object(
           'day', day,
           'runs_below', runs_below,
           'lowest_day', lowest.day,
           'lowest_spm', round(lowest.cadence_spm, 1),
           'lowest_baseline_spm', round(lowest.baseline_spm, 1),
           'lowest_deviation_pct', round(lowest.deviation_pct, 1),
           'baseline_spm', round(baseline_spm, 1)
       ) AS evidence
FROM windows
WHERE runs_below >= $warn_runs OR baseline_spm < $info_baseline_spm
