-- 001: the tables of SPEC §4 — register, departments, uploads, raw files, actions, action_status.
CREATE TABLE meta (
    key VARCHAR PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO meta VALUES ('data_version', 0);

CREATE TABLE settings (
    name VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL,
    changed_by VARCHAR,
    changed_at TIMESTAMP
);

CREATE TABLE register_versions (
    register_version INTEGER PRIMARY KEY,
    sha256 VARCHAR NOT NULL,
    file_name VARCHAR,
    loaded_by VARCHAR,
    loaded_at TIMESTAMP NOT NULL,
    objective_count INTEGER NOT NULL,
    department_count INTEGER NOT NULL
);

CREATE TABLE objectives (
    register_version INTEGER NOT NULL,
    objective_id VARCHAR NOT NULL,
    objective VARCHAR NOT NULL,
    pillar VARCHAR,
    owner VARCHAR,
    period VARCHAR,
    priority INTEGER,
    PRIMARY KEY (register_version, objective_id)
);

-- in_register: listed by the register in force; departments learnt from reports stay with FALSE.
CREATE TABLE departments (
    department VARCHAR PRIMARY KEY,
    head VARCHAR,
    email VARCHAR,
    in_register BOOLEAN NOT NULL DEFAULT FALSE,
    first_seen TIMESTAMP NOT NULL
);

-- Original files, content-addressed by SHA-256.
CREATE TABLE raw_files (
    sha256 VARCHAR PRIMARY KEY,
    size BIGINT NOT NULL,
    content BLOB NOT NULL,
    file_name VARCHAR NOT NULL,
    stored_at TIMESTAMP NOT NULL
);

-- One row per department report read from a file (a consolidated file gives one per department).
CREATE TABLE uploads (
    upload_id INTEGER PRIMARY KEY,
    sha256 VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    department VARCHAR,
    period VARCHAR,
    uploaded_by VARCHAR,
    uploaded_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    status VARCHAR NOT NULL CHECK (status IN ('accepted', 'rejected', 'duplicate')),
    is_current BOOLEAN NOT NULL DEFAULT FALSE,
    register_version INTEGER,
    sheet VARCHAR,
    row_count INTEGER NOT NULL DEFAULT 0,
    error_count INTEGER NOT NULL DEFAULT 0,
    warning_count INTEGER NOT NULL DEFAULT 0,
    skipped_count INTEGER NOT NULL DEFAULT 0,
    messages VARCHAR NOT NULL DEFAULT '[]',
    column_map VARCHAR NOT NULL DEFAULT '{}',
    mapping_name VARCHAR,
    replaced_upload_id INTEGER
);

-- One row per action per department: latest plan fields and the first due date reported.
CREATE TABLE actions (
    department VARCHAR NOT NULL,
    action_id VARCHAR NOT NULL,
    action VARCHAR,
    objective_id VARCHAR,
    responsible VARCHAR,
    budget_allocated DOUBLE,
    start_date DATE,
    due_date DATE,
    baseline_due_date DATE,
    first_period VARCHAR NOT NULL,
    last_period VARCHAR NOT NULL,
    PRIMARY KEY (department, action_id)
);

-- One row per action per reported period per upload; is_current marks the report in force.
CREATE TABLE action_status (
    upload_id INTEGER NOT NULL,
    department VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    period_end DATE NOT NULL,
    action_id VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    objective_id VARCHAR,
    objective_valid BOOLEAN NOT NULL DEFAULT FALSE,
    responsible VARCHAR,
    resources VARCHAR,
    budget_allocated DOUBLE,
    budget_spent DOUBLE,
    start_date DATE,
    due_date DATE,
    due_text VARCHAR,
    status VARCHAR NOT NULL,
    percent_complete DOUBLE,
    completion_date DATE,
    success_metric VARCHAR,
    target DOUBLE,
    actual DOUBLE,
    metric_direction VARCHAR NOT NULL DEFAULT 'increase',
    quality_review VARCHAR,
    risk VARCHAR,
    risk_level VARCHAR,
    mitigation VARCHAR,
    reason_code VARCHAR,
    comments VARCHAR,
    extra VARCHAR,
    sheet VARCHAR,
    source_row INTEGER,
    is_current BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (upload_id, action_id)
);
CREATE INDEX action_status_current ON action_status (is_current, period, department);
