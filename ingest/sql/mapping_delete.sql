-- Remove a saved mapping. Parameter: $name.
DELETE FROM mappings WHERE name = $name
