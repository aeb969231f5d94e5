-- The highest audit log entry number (0 when the log is empty).
SELECT coalesce(max(audit_id), 0) FROM audit_log
