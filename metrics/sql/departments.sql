-- departments: every department known — listed by the register in force or learnt from a report —
-- with its head, whether the register lists it, and its first and last reported period (from its
-- accepted reports in force).
SELECT d.department, d.head, d.email, d.in_register,
       min(u.period) AS first_period,
       max(u.period) AS last_period,
       count(DISTINCT u.period) AS periods_reported
FROM departments d
LEFT JOIN uploads u
    ON u.department = d.department AND u.status = 'accepted' AND u.is_current
GROUP BY d.department, d.head, d.email, d.in_register
ORDER BY d.department
