SELECT list(activity_id ORDER BY activity_id) AS activity_ids
FROM metric_todo
GROUP BY batch
ORDER BY batch
