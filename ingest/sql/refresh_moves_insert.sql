-- Rebuild departments' due date moves from their current reports (due_date_moves_rows).
-- Parameter: $departments (a list, not empty: empty means every one).
INSERT INTO due_date_moves
SELECT * FROM ({{ingest:due_date_moves_rows}})
