-- objectives: the objectives of the register in force (the highest register_version), with
-- how many current action rows ever named each one.
WITH register AS (
    SELECT max(register_version) AS version FROM register_versions
)
SELECT o.objective_id, o.objective, o.pillar, o.owner, o.period, o.priority,
       (SELECT count(*) FROM action_status s
        WHERE s.is_current AND s.objective_id = o.objective_id) AS reported_rows
FROM objectives o
WHERE o.register_version = (SELECT version FROM register)
ORDER BY o.priority NULLS LAST, o.objective_id
