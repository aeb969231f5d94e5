-- 016: the departments each version of the strategy register listed, so that a month is judged
-- against the register in force when its first report came in (ingest:month_registers): a
-- department a later register adds is not missing from the months before it, and one it drops
-- still counts in the months it was listed. The versions already loaded take the departments
-- listed now, as every month did before.
CREATE TABLE register_departments (
    register_version INTEGER NOT NULL,
    department VARCHAR NOT NULL,
    PRIMARY KEY (register_version, department)
);
INSERT INTO register_departments
SELECT v.register_version, d.department
FROM register_versions v CROSS JOIN departments d
WHERE d.in_register;
