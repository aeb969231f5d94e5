-- reported_departments: for each month with a report in force, the departments that have one
-- (what "N of M departments reported" and the default month are worked out from).
SELECT period, list(DISTINCT department ORDER BY department) AS departments
FROM uploads
WHERE status = 'accepted' AND is_current
GROUP BY period
ORDER BY period
