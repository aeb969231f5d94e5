-- The named derived rows now follow the definition with this SHA-256.
INSERT OR REPLACE INTO derived_definitions VALUES ($name, $sha256, now())
