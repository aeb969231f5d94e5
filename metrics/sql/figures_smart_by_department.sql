-- figures_smart_by_department: per department, the actions in A (Cancelled left out) and how
-- many pass each SMART check and all five. Reads `figures`, the rows of figures.sql.
SELECT department,
       count(*) AS actions,
       count(*) FILTER (WHERE specific) AS "Specific",
       count(*) FILTER (WHERE measurable) AS "Measurable",
       count(*) FILTER (WHERE achievable) AS "Achievable",
       count(*) FILTER (WHERE relevant) AS "Relevant",
       count(*) FILTER (WHERE time_bound) AS "Time-bound",
       count(*) FILTER (WHERE smart_score = 1) AS "All five"
FROM figures
WHERE status <> 'Cancelled'
GROUP BY department
ORDER BY department
