-- Activities with their ids (the frame new_activities; activities.ACTIVITY_ROW names it).
INSERT INTO core.activities BY NAME SELECT * FROM new_activities
