-- reported_objective_ids: every objective_id written in a current report, valid or not (the
-- values an objective filter may name besides the register's).
SELECT DISTINCT objective_id
FROM action_status
WHERE is_current AND objective_id IS NOT NULL
ORDER BY objective_id
