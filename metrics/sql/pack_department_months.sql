-- pack_department_months: each department's months with current action rows (every department
-- when $departments is empty): "has data" as periods_with_data.sql says it, one department at a
-- time, so that the review pack finds every department's month and previous period at once.
-- Parameters: $departments (names).
SELECT department, period
FROM action_status
WHERE is_current
  AND (len($departments) = 0 OR list_contains($departments, department))
GROUP BY department, period
ORDER BY department, period
