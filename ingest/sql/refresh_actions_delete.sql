-- Forget a department's derived action rows before they are rebuilt. Parameter: $d department.
DELETE FROM actions WHERE department = $d
