-- When the audit log's first entry was written.
SELECT min(logged_at) FROM audit_log
