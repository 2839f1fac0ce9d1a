-- A pending message that new notices join covers the latest day evaluated.
UPDATE core.alert_messages SET as_of = greatest(as_of, $as_of) WHERE message_id = $message_id
