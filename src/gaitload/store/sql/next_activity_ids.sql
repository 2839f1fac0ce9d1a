-- Ids for activities about to be inserted: taken up front, so a batch's rows go in at once.
SELECT nextval('core.activity_ids') FROM range($count) ORDER BY 1
