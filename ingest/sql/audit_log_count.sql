-- How many entries the audit log holds.
SELECT count(*) FROM audit_log
