-- The pain journal's public views (documented in docs/schema.md).
-- Recreated by a write-open when they changed (store.db).
CREATE OR REPLACE VIEW pain AS
SELECT p.entry_id,
       t.name AS athlete,
       p.day AS "date",
       p.location,
       p.side,
       concat_ws(' ', p.side, CASE p.location WHEN 'top' THEN 'top of the foot'
                                              WHEN 'ball' THEN 'ball of the foot'
                                              WHEN 'general' THEN 'foot (general)'
                                              WHEN 'achilles' THEN 'Achilles'
                                              ELSE p.location END) AS place,
       p.bone,
       p.score,
       p.note,
       p.source,
       p.activity_id,
       coalesce(a.name, a.source_file) AS activity,  -- a FIT file's activity has no name
       p.created_at
FROM core.pain_entries p
JOIN core.athletes t ON t.athlete_id = p.athlete_id
LEFT JOIN core.activities a ON a.activity_id = p.activity_id;

-- Episodes: a place (location and side) reported again within 14 days is the same episode;
-- a score of 0 ends it. The worst score of a day counts when a day has several entries.
CREATE OR REPLACE VIEW pain_episodes AS
WITH days AS (
    SELECT athlete, location, side, any_value(place) AS place, "date" AS day,
           max(score) AS score, bool_or(bone) AS bone
    FROM pain
    GROUP BY athlete, location, side, "date"
),
marked AS (
    SELECT *,
           CASE WHEN lag(day) OVER w IS NULL OR day - lag(day) OVER w > 14
                     OR lag(score) OVER w = 0 THEN 1 ELSE 0 END AS starts
    FROM days
    WINDOW w AS (PARTITION BY athlete, location, side ORDER BY day)
),
numbered AS (
    SELECT *, sum(starts) OVER (PARTITION BY athlete, location, side ORDER BY day)
              AS episode_no
    FROM marked
)
SELECT athlete,
       location,
       side,
       any_value(place) AS place,
       episode_no::INTEGER AS episode_no,
       min(day) AS started_on,
       max(day) FILTER (WHERE score > 0) AS last_pain_on,
       min(day) FILTER (WHERE score = 0) AS ended_on,
       count(*) AS entries,
       arg_min(score, day) AS first_score,
       max(score) AS max_score,
       arg_max(score, day) FILTER (WHERE score > 0) AS last_score,
       bool_or(bone) AS bone
FROM numbered
GROUP BY athlete, location, side, episode_no
HAVING max(score) > 0;

-- Each pain entry next to the load before it: the running of the 7 days up to its day and
-- of the 7 before (load_signals), and the load alerts at warn or high by that day that were
-- open on any of the 21 days up to it. The pain-aware rules (the catalogue's `pain` group)
-- are not load before the pain and are left out.
CREATE OR REPLACE VIEW pain_load AS
WITH open_before AS (
    SELECT p.entry_id, a."date" AS opened_on, a.factor, a.title,
           CASE WHEN a.severity_since <= p."date" THEN a.severity ELSE a.opened_severity END
               AS severity
    FROM pain p
    JOIN alerts a
      ON a.athlete = p.athlete AND a.status <> 'withdrawn'
     AND a.factor NOT IN ('persistent_pain', 'bone_stress_pain', 'heel_pain', 'recovery_ramp')
     AND a."date" <= p."date"
     AND (a.resolved_on IS NULL OR a.resolved_on > p."date" - 21)
),
grouped AS (
    SELECT entry_id,
           list({'factor': factor, 'title': title, 'severity': severity, 'opened_on': opened_on}
                ORDER BY opened_on, factor) AS load_alerts
    FROM open_before
    WHERE severity <> 'info'
    GROUP BY entry_id
)
SELECT p.entry_id, p.athlete, p."date", p.location, p.side, p.place, p.bone, p.score, p.note,
       p.source, p.activity,
       s.distance_7d_m / 1000 AS km_7d,
       s.distance_prev_7d_m / 1000 AS km_prev_7d,
       s.ramp_7d_pct,
       coalesce(g.load_alerts, []) AS load_alerts
FROM pain p
LEFT JOIN load_signals s ON s.athlete = p.athlete AND s.day = p."date"
LEFT JOIN grouped g ON g.entry_id = p.entry_id;

-- Note lines that start with "pain:" but could not be read, with the reason.
CREATE OR REPLACE VIEW pain_notes_unread AS
SELECT t.name AS athlete,
       (a.start_time_utc + to_minutes(a.utc_offset_min))::DATE AS "date",
       coalesce(a.name, a.source_file) AS activity,
       p.activity_id,
       p.field,
       p.line,
       p.problem
FROM core.pain_note_problems p
JOIN core.athletes t ON t.athlete_id = p.athlete_id
JOIN core.activities a ON a.activity_id = p.activity_id;
