-- One batch's samples. A plain filtered scan returns them in the order they were written
-- (each activity's samples in time order), which the stream stage checks and restores where
-- needed; a join here would shuffle them, and sorting in SQL costs more than checking.
SELECT activity_id, epoch_us(ts) AS ts_us, lat, lon, altitude_m, distance_m, speed_m_s,
       heart_rate, cadence_spm
FROM core.samples
WHERE activity_id BETWEEN $first AND $last AND list_contains($activity_ids, activity_id)
