-- Save (or replace) a named mapping. Parameters: $name, $toml, $who, $department (NULL: organisation-wide).
INSERT OR REPLACE INTO mappings BY NAME
SELECT $name AS name, $toml AS toml, $who AS saved_by, now() AS saved_at, $department AS department
