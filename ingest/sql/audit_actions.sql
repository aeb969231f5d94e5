-- Every kind of action in the audit log.
SELECT DISTINCT action FROM audit_log ORDER BY action
