-- 003: who may do what (users, their roles and departments) and the audit log of every change.
CREATE TABLE users (
    email VARCHAR PRIMARY KEY,          -- lower case; the identity's email maps to it
    name VARCHAR,
    role VARCHAR NOT NULL CHECK (role IN ('admin', 'leadership', 'me', 'department_head')),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    created_by VARCHAR
);

CREATE TABLE user_departments (
    email VARCHAR NOT NULL,
    department VARCHAR NOT NULL,
    PRIMARY KEY (email, department)
);

CREATE TABLE audit_log (
    audit_id BIGINT PRIMARY KEY,
    logged_at TIMESTAMP NOT NULL,
    actor VARCHAR NOT NULL,             -- email, or 'cli' / 'demo' / 'system'
    action VARCHAR NOT NULL,            -- login, upload, restore, register, settings, users, export, ...
    outcome VARCHAR NOT NULL,           -- accepted, rejected, duplicate, restored, refused, ok
    department VARCHAR,
    period VARCHAR,
    detail VARCHAR NOT NULL DEFAULT '{}'  -- JSON: file, filters, rows, message
);
