-- acwr: the 7-day against the 28-day load (rolling; the EWMA one as context). Info only: the
-- ratio is shown, never alerted on alone. The view leaves it NULL before 28 days of history.
SELECT athlete, day, 'info' AS severity,
       json_object(
           'day', day,
           'acwr', round(acwr, 3),
           'above', acwr > $info_high,
           'acwr_ewma', round(acwr_ewma, 3),
           'acute_load', round(acute_load, 1),
           'chronic_load', round(chronic_load, 1)
       ) AS evidence
FROM load_signals
WHERE athlete = $athlete AND day <= $as_of
  AND (acwr > $info_high OR acwr < $info_low)
