SELECT status, attempts FROM core.alert_messages WHERE message_id = $message_id
