-- dependency_kpi: the organisation's cross-department dependencies of the month asked (issue 16),
-- reading `dependencies`, the rows of dependency_links.sql: the links between two departments whose
-- action is open (not Completed nor Cancelled), how many of them are late (`late`: the
-- predecessor open and overdue, or finishing after the action's due date), and the share late.
-- $departments (empty = all): only links with either end in one of them.
SELECT count(*) AS cross_department_links,
       count(*) FILTER (WHERE late) AS late_links,
       count(*) FILTER (WHERE late) / nullif(count(*), 0) AS late_dependency_share
FROM dependencies
WHERE cross_department
  AND status NOT IN ('Completed', 'Cancelled')
  AND (len($departments) = 0 OR list_contains($departments, department)
       OR list_contains($departments, pred_department))
