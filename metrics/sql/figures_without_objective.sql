-- figures_without_objective: the actions in A (Cancelled left out) whose objective_id was not in
-- the register when loaded (or is empty). Reads `figures`, the rows of figures.sql.
SELECT *
FROM figures
WHERE status <> 'Cancelled' AND NOT objective_valid
