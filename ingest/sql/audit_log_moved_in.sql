-- Append a file's audit log, which the caller registers as the table lekgotla_rows, after the
-- store's own entries. Parameter: $shift the store's highest entry number.
INSERT INTO audit_log BY NAME SELECT * REPLACE (audit_id + $shift AS audit_id) FROM lekgotla_rows
