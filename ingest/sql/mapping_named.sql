-- The saved mapping's name as stored, for a name written in other capitals ('ORGMAP' for
-- 'orgmap'): none when there is no such mapping. Parameter: $name.
SELECT name FROM mappings WHERE lower(name) = lower($name) ORDER BY name LIMIT 1
