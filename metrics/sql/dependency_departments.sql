-- dependency_departments: for each department with a link across departments in the month asked
-- (issue 16), reading `dependencies`, the rows of dependency_links.sql:
--   waiting_on_others        its open actions waiting on another department's (a predecessor
--                            there still open: not Completed nor Cancelled)
--   waiting_on_others_late   of those, the ones late (`action_late`: overdue, or their
--                            dependency_forecast after their due date)
--   others_waiting           other departments' open actions waiting on one of its actions
--   others_waiting_late      of those, the ones late
--   blocking                 other departments' actions one of its actions blocks (`late` links)
-- The shares (…_late_share) are late ÷ waiting, NULL when none waits.
SELECT coalesce(m.department, t.department) AS department,
       coalesce(m.waiting_on_others, 0) AS waiting_on_others,
       coalesce(m.waiting_on_others_late, 0) AS waiting_on_others_late,
       m.waiting_on_others_late / nullif(m.waiting_on_others, 0) AS waiting_on_others_late_share,
       coalesce(t.others_waiting, 0) AS others_waiting,
       coalesce(t.others_waiting_late, 0) AS others_waiting_late,
       t.others_waiting_late / nullif(t.others_waiting, 0) AS others_waiting_late_share,
       coalesce(t.blocking, 0) AS blocking
FROM (
    -- each department's own actions waiting on others
    SELECT department, count(DISTINCT action_id) AS waiting_on_others,
           count(DISTINCT action_id) FILTER (WHERE action_late) AS waiting_on_others_late
    FROM dependencies
    WHERE cross_department AND waiting
    GROUP BY department
) m
FULL JOIN (
    -- other departments' actions waiting on each department
    SELECT pred_department AS department,
           count(DISTINCT department || chr(31) || action_id) AS others_waiting,
           count(DISTINCT department || chr(31) || action_id) FILTER (WHERE action_late)
               AS others_waiting_late,
           count(DISTINCT department || chr(31) || action_id) FILTER (WHERE late) AS blocking
    FROM dependencies
    WHERE cross_department AND waiting
    GROUP BY pred_department
) t ON t.department = m.department
ORDER BY 1
