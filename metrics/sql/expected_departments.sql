-- expected_departments: the departments expected to report each month of $months: those of the
-- register the month is judged against (metrics:scope_departments, no departments asked).
-- Columns: period, department.
WITH months AS (
    SELECT unnest($months) AS period
)
SELECT period, department
FROM ({{metrics:scope_departments}})
ORDER BY period, department
