-- Store an accepted report's rows, which the caller registers as the table incoming_status.
INSERT INTO action_status BY NAME SELECT * FROM incoming_status
