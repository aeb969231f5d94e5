-- figures_by_responsible: actions in A (Cancelled left out) per responsible party ('(not given)'
-- where empty): how many, completed, overdue, slipped, Red, mean progress (Completed counts as
-- 100, missing as 0) and budget. Reads `figures`, the rows of figures.sql as filtered.
SELECT coalesce(nullif(trim(responsible), ''), '(not given)') AS responsible,
       string_agg(DISTINCT department, ', ' ORDER BY department) AS departments,
       count(*) AS actions,
       count(*) FILTER (WHERE status = 'Completed') AS completed,
       count(*) FILTER (WHERE overdue) AS overdue,
       count(*) FILTER (WHERE slip_days > 0) AS slipped,
       count(*) FILTER (WHERE rag = 'Red') AS red,
       avg(progress) AS mean_progress,
       sum(budget_allocated) AS budget_allocated,
       sum(budget_spent) AS budget_spent
FROM figures
WHERE status <> 'Cancelled'
GROUP BY 1
ORDER BY actions DESC, responsible
