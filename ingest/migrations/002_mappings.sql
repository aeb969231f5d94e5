-- 002: column mappings (SPEC §2.5) built on the Upload page and saved under a name, as TOML.
CREATE TABLE mappings (
    name VARCHAR PRIMARY KEY,
    toml VARCHAR NOT NULL,
    saved_by VARCHAR,
    saved_at TIMESTAMP NOT NULL
);
