-- The named derived rows now follow the definition with this SHA-256 (derived_definition_forget first).
INSERT INTO derived_definitions VALUES ($name, $sha256, now())
