-- The day file's rows as days: each row holds the 7 days before its event day (the
-- unsuffixed block is D-7, `.1` .. `.6` are D-6 .. D-1; overlapping rows agree). One row
-- per athlete and known day; days no row covers are unknown (the dataset's gaps).
WITH r AS (
    SELECT * FROM read_csv($path, header = true)
),
blocks AS (
    SELECT "Athlete ID" AS id, "Date" - 7 + k AS d,
           [ "nr. sessions", "nr. sessions.1", "nr. sessions.2", "nr. sessions.3",
             "nr. sessions.4", "nr. sessions.5", "nr. sessions.6" ][k + 1] AS sessions,
           [ "total km", "total km.1", "total km.2", "total km.3",
             "total km.4", "total km.5", "total km.6" ][k + 1] AS km,
           [ "strength training", "strength training.1", "strength training.2",
             "strength training.3", "strength training.4", "strength training.5",
             "strength training.6" ][k + 1] AS strength,
           [ "hours alternative", "hours alternative.1", "hours alternative.2",
             "hours alternative.3", "hours alternative.4", "hours alternative.5",
             "hours alternative.6" ][k + 1] AS alt_hours
    FROM r CROSS JOIN range(7) t(k)
)
SELECT id, d, any_value(sessions) AS sessions, any_value(km) AS km,
       any_value(strength) AS strength, any_value(alt_hours) AS alt_hours
FROM blocks
GROUP BY id, d
ORDER BY id, d
