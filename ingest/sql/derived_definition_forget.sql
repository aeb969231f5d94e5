-- Forget the definition the named derived rows followed (before saving the new one).
DELETE FROM derived_definitions WHERE name = $name
