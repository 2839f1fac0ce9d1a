INSERT INTO core.activity_metrics BY NAME SELECT * FROM computed_metrics;
INSERT INTO core.activity_cadence_pace BY NAME SELECT * FROM computed_cadence_pace;
INSERT INTO core.activity_grades BY NAME SELECT * FROM computed_grades;
