-- Append one entry to the audit log, numbered one above the highest. Parameters: $at time, $who
-- the actor's email, $action, $outcome, $dept department, $period, $detail JSON.
INSERT INTO audit_log VALUES ((SELECT coalesce(max(audit_id), 0) + 1 FROM audit_log),
$at, $who, $action, $outcome, $dept, $period, $detail)
