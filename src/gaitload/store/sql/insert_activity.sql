INSERT INTO core.activities (
    activity_id, athlete_id, source, source_id, source_file, file_sha256, name, sport, sub_sport,
    surface, start_time_utc, utc_offset_min, offset_source, timezone, moving_time_s,
    elapsed_time_s, distance_m, ascent_m, descent_m, avg_cadence_spm, avg_hr, max_hr,
    totals_source, device, start_lat, start_lon, partial, samples, gear_id, trainer,
    description, private_note, fit_notes
) VALUES (
    coalesce($activity_id, nextval('core.activity_ids')), $athlete_id, $source, $source_id,
    $source_file, $file_sha256, $name, $sport, $sub_sport, $surface, $start_time_utc,
    $utc_offset_min, $offset_source, $timezone, $moving_time_s, $elapsed_time_s, $distance_m,
    $ascent_m, $descent_m, $avg_cadence_spm, $avg_hr, $max_hr, $totals_source, $device,
    $start_lat, $start_lon, $partial, $samples, $gear_id, $trainer, $description,
    $private_note, $fit_notes
)
RETURNING activity_id
