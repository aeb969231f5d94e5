-- Whose a saved mapping is: one row (its department, NULL when organisation-wide), none when
-- there is no mapping by that name. Parameter: $name.
SELECT department FROM mappings WHERE name = $name
