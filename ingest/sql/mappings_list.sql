-- The saved mappings, by name: name, department (NULL when organisation-wide).
SELECT name, department FROM mappings ORDER BY lower(name), name
