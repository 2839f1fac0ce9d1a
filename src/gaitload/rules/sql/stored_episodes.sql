-- An athlete's stored episodes, to match a new evaluation against.
SELECT episode_id, factor, subject, opened_on, coalesce(resolved_on, evaluated_as_of) AS until
FROM core.alert_episodes
WHERE athlete_id = $athlete_id
ORDER BY opened_on, episode_id
