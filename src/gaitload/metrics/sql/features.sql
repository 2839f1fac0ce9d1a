-- Per-sample features of the activities to compute: time steps, smoothed altitude, grade.
CREATE OR REPLACE TEMP TABLE metric_features AS
WITH raw AS (
    SELECT s.activity_id, s.ts, s.lat, s.lon, s.altitude_m, s.distance_m, s.speed_m_s,
           s.heart_rate, s.cadence_spm,
           coalesce(t.hr_rest, $default_hr_rest) AS hr_rest,
           coalesce(t.hr_max, $default_hr_max) AS hr_max,
           epoch(s.ts) - epoch(lag(s.ts) OVER (PARTITION BY s.activity_id ORDER BY s.ts)) AS gap_s
    FROM core.samples s
    JOIN core.activities a USING (activity_id)
    JOIN core.athletes t USING (athlete_id)
    WHERE s.activity_id IN (SELECT activity_id FROM metric_todo)
),
timed AS (
    SELECT *,
        -- a gap longer than the pause threshold is a pause: it adds no time
        CASE WHEN gap_s <= $pause_gap_s THEN gap_s ELSE 0 END AS dt,
        -- GPS altitude is noisy: a centred 31 s moving average before any differencing
        avg(altitude_m) OVER (
            PARTITION BY activity_id ORDER BY ts
            RANGE BETWEEN INTERVAL 15 SECONDS PRECEDING AND INTERVAL 15 SECONDS FOLLOWING
        ) AS altitude_smooth_m
    FROM raw
),
ends AS (
    SELECT *,
        -- one window for both ends of the +-15 s span: distance and altitude together
        first_value({'d': distance_m, 'a': altitude_smooth_m}) OVER g AS span_start,
        last_value({'d': distance_m, 'a': altitude_smooth_m}) OVER g AS span_end,
        greatest(distance_m - lag(distance_m) OVER w, 0) AS d_dist,
        dt > 0 AND coalesce(speed_m_s, 1.0) > $moving_speed AS moving
    FROM timed
    WINDOW
        g AS (PARTITION BY activity_id ORDER BY ts
              RANGE BETWEEN INTERVAL 15 SECONDS PRECEDING AND INTERVAL 15 SECONDS FOLLOWING),
        w AS (PARTITION BY activity_id ORDER BY ts)
),
graded AS (
    SELECT * EXCLUDE (span_start, span_end),
        span_end.d - span_start.d AS run_m,
        span_end.a - span_start.a AS rise_m
    FROM ends
)
SELECT *,
    -- grade over the same 31 s; under 10 m of travel (standing) or no altitude (a treadmill)
    -- has no grade (least/greatest skip NULLs: without the check it would read as +50 %)
    CASE WHEN run_m >= 10 AND rise_m IS NOT NULL
         THEN greatest(-0.5, least(0.5, rise_m / run_m)) END AS grade,
    sum(CASE WHEN moving THEN dt ELSE 0 END) OVER (PARTITION BY activity_id ORDER BY ts)
        AS moving_cum_s,
    sum(CASE WHEN moving THEN dt ELSE 0 END) OVER (PARTITION BY activity_id) AS moving_total_s,
    CASE WHEN heart_rate > 0 AND hr_max > hr_rest
         THEN greatest(0.0, least(1.0, (heart_rate - hr_rest) / (hr_max - hr_rest))) END AS hrr
FROM graded
