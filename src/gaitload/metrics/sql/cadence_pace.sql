-- Cadence by pace band: a baseline compares like with like (a sprint is not an easy jog).
INSERT INTO core.activity_cadence_pace
SELECT activity_id,
       floor(speed_m_s / 0.25) * 0.25 AS speed_bin,
       sum(dt) AS seconds,
       sum(cadence_spm * dt) / sum(dt) AS cadence_spm
FROM metric_features
WHERE moving AND cadence_spm > 0 AND speed_m_s > 0 AND dt > 0
GROUP BY ALL
