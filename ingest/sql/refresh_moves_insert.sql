-- Rebuild departments' due date moves from their current reports (migration 005's
-- due_date_moves_rows). Parameter: $ds departments (a list, not empty: empty means every one).
INSERT INTO due_date_moves
SELECT * FROM due_date_moves_rows($ds)
