-- due_reports: each department in scope × month of $months — its head and the head's email on
-- the register, the month's deadline (day $on_time_day of the following month), and whether a
-- version of its report had been submitted by $at: an accepted version whose submission date
-- (the one the on-time rate uses) is on or before $at, so a history loaded later gives the same.
-- Parameters: $months (YYYY-MM list), $departments (empty: the scope of the submission rates),
-- $on_time_day, $at (timestamp).
WITH months AS (
    SELECT unnest($months) AS period
),
scope_departments AS (
    {{metrics:scope_departments}}
),
deadlines AS (
    {{metrics:report_deadlines}}
)
SELECT s.department, dl.period, dl.deadline, d.head, d.email AS head_email,
       EXISTS (SELECT 1 FROM uploads u
               WHERE u.department = s.department AND u.period = dl.period
                 AND u.status = 'accepted'
                 AND coalesce(u.submitted_at, u.uploaded_at) <= $at) AS submitted
FROM scope_departments s
CROSS JOIN deadlines dl
JOIN departments d ON d.department = s.department
ORDER BY s.department, dl.period
