-- Everyone who appears in the audit log.
SELECT DISTINCT actor FROM audit_log ORDER BY actor
