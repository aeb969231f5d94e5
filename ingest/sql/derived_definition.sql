-- The SHA-256 of the definition the named derived rows were last computed by.
SELECT definition_sha256 FROM derived_definitions WHERE name = $name
