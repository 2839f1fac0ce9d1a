-- One journal entry per athlete, day and place: saying it again corrects it.
DELETE FROM core.pain_entries
WHERE athlete_id = $athlete_id AND day = $day AND location = $location
  AND side IS NOT DISTINCT FROM $side AND source = 'journal'
