-- 013: cross-department dependencies and initiatives (issue 16). Each action row keeps what its
-- report said in the optional columns "Depends on" and "Initiative", so they change with the plan
-- and their history is kept like every other field (rows carried over, migration 007, carry them
-- too). `depends_on` holds the references as ingest.dependencies wrote them at load: '; '-separated,
-- each "Department: ACTION-ID" when the department is known (written, or the action's own for an ID
-- of its own report), else the bare ID, which the metrics resolve when it is unique in the
-- organisation. `initiative` holds the register's initiative ID when the cell names one (by ID or
-- name), else the text as written.
ALTER TABLE action_status ADD COLUMN depends_on VARCHAR;
ALTER TABLE action_status ADD COLUMN initiative VARCHAR;

-- The optional Initiatives sheet of the strategy register, versioned with it.
-- member_departments: '; '-separated department names, the lead department among them.
CREATE TABLE initiatives (
    register_version INTEGER NOT NULL,
    initiative_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    objective_id VARCHAR,
    lead_department VARCHAR,
    member_departments VARCHAR,
    target_date DATE,
    PRIMARY KEY (register_version, initiative_id)
);
