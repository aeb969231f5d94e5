-- figures_by_status: reported actions (Cancelled included) per self-reported status, with budget.
-- Reads `figures`, the rows of figures.sql as filtered.
SELECT status,
       count(*) AS actions,
       sum(budget_allocated) AS budget_allocated,
       sum(budget_spent) AS budget_spent
FROM figures
GROUP BY status
