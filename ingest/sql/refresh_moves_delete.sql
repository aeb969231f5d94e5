-- Forget departments' due date moves before they are rebuilt. Parameter: $ds departments (a list).
DELETE FROM due_date_moves WHERE list_contains($ds, department)
