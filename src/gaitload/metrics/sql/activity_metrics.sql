-- One row per activity to compute, even without samples (a manual entry): never pending twice.
INSERT INTO core.activity_metrics BY NAME
SELECT
    t.activity_id,
    sum(f.dt) FILTER (WHERE f.moving) AS moving_s,
    count(f.lat) > 1 AS has_gps,
    CASE WHEN count(f.lat) > 1 THEN
        2 * 6371008.8 * asin(sqrt(
            sin(radians(max(f.lat) - min(f.lat)) / 2) ^ 2
            + cos(radians(min(f.lat))) * cos(radians(max(f.lat)))
              * sin(radians(max(f.lon) - min(f.lon)) / 2) ^ 2))
    END AS gps_extent_m,
    gaitload_gain(list(f.altitude_smooth_m ORDER BY f.ts)
                  FILTER (WHERE f.altitude_smooth_m IS NOT NULL))[1] AS ascent_m,
    gaitload_gain(list(f.altitude_smooth_m ORDER BY f.ts)
                  FILTER (WHERE f.altitude_smooth_m IS NOT NULL))[2] AS descent_m,
    CASE WHEN count(f.grade) > 0
         THEN coalesce(sum(f.d_dist) FILTER (WHERE f.grade > 0.05), 0) END AS distance_up5_m,
    CASE WHEN count(f.grade) > 0
         THEN coalesce(sum(f.d_dist) FILTER (WHERE f.grade < -0.05), 0) END AS distance_down5_m,
    sum(f.cadence_spm * f.dt) FILTER (WHERE f.moving AND f.cadence_spm > 0)
        / sum(f.dt) FILTER (WHERE f.moving AND f.cadence_spm > 0) AS cadence_avg_spm,
    quantile_cont(f.cadence_spm, 0.1) FILTER (WHERE f.moving AND f.cadence_spm > 0)
        AS cadence_p10_spm,
    quantile_cont(f.cadence_spm, 0.5) FILTER (WHERE f.moving AND f.cadence_spm > 0)
        AS cadence_p50_spm,
    quantile_cont(f.cadence_spm, 0.9) FILTER (WHERE f.moving AND f.cadence_spm > 0)
        AS cadence_p90_spm,
    sum(f.cadence_spm * f.dt) FILTER (
        WHERE f.moving AND f.cadence_spm > 0 AND f.moving_cum_s <= f.moving_total_s / 3)
        / sum(f.dt) FILTER (
        WHERE f.moving AND f.cadence_spm > 0 AND f.moving_cum_s <= f.moving_total_s / 3)
        AS cadence_first_third_spm,
    sum(f.cadence_spm * f.dt) FILTER (
        WHERE f.moving AND f.cadence_spm > 0 AND f.moving_cum_s > 2 * f.moving_total_s / 3)
        / sum(f.dt) FILTER (
        WHERE f.moving AND f.cadence_spm > 0 AND f.moving_cum_s > 2 * f.moving_total_s / 3)
        AS cadence_last_third_spm,
    sum(f.heart_rate * f.dt) FILTER (WHERE f.heart_rate > 0)
        / sum(f.dt) FILTER (WHERE f.heart_rate > 0) AS hr_avg,
    -- Banister's TRIMP: minutes x HR reserve x 0.64 e^(1.92 x HR reserve)
    sum(f.dt / 60 * f.hrr * 0.64 * exp(1.92 * f.hrr)) FILTER (WHERE f.hrr IS NOT NULL) AS trimp
FROM metric_todo t
LEFT JOIN metric_features f USING (activity_id)
GROUP BY t.activity_id
