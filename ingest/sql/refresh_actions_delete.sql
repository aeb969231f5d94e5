-- Forget departments' derived action rows before they are rebuilt. Parameter: $ds departments (a list).
DELETE FROM actions WHERE list_contains($ds, department)
