-- Stored episodes this evaluation no longer finds (thresholds raised, or an evaluation as of
-- an earlier day): kept, with their emails, but withdrawn.
UPDATE core.alert_episodes SET status = 'withdrawn', evaluated_as_of = $as_of,
    updated_at = now() AT TIME ZONE 'UTC'
WHERE athlete_id = $athlete_id AND status <> 'withdrawn'
  AND NOT list_contains($kept, episode_id)
