-- Save a named mapping (mapping_delete first, to replace one). Parameters: $name, $toml, $who, $department (NULL: organisation-wide).
INSERT INTO mappings BY NAME
SELECT $name AS name, $toml AS toml, $who AS saved_by, now() AS saved_at, $department AS department
