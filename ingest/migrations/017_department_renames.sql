-- 017: departments renamed by a register's Formerly column (ingest.renames): a report that still
-- writes the former name is read as the department's new one.
CREATE TABLE department_renames (
    former VARCHAR PRIMARY KEY,
    department VARCHAR NOT NULL,
    register_version INTEGER NOT NULL,
    renamed_at TIMESTAMP NOT NULL
);
