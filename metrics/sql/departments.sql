-- departments: every department known — listed by the register in force or learnt from a report —
-- with its head, whether the register lists it, and its first and last period with data.
SELECT d.department, d.head, d.email, d.in_register,
       min(s.period) AS first_period,
       max(s.period) AS last_period,
       count(DISTINCT s.period) AS periods_reported
FROM departments d
LEFT JOIN action_status s ON s.department = d.department AND s.is_current
GROUP BY d.department, d.head, d.email, d.in_register
ORDER BY d.department
