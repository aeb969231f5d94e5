-- actions_by_objective: for the month asked, the count and budget of the actions in A (Cancelled
-- excluded, as filtered) per objective × department. Actions whose objective_id was not in the
-- register when loaded are grouped under objective_id NULL ("no valid objective").
-- Parameters: $month (YYYY-MM); $departments, $objectives, $statuses (empty list = all).
WITH months AS (
    SELECT CAST($month AS VARCHAR) AS period
),
register AS (
    -- the register the month is judged against (a later one's objectives are not its own)
    SELECT version FROM ({{ingest:month_registers}})
)
SELECT CASE WHEN s.objective_valid THEN s.objective_id END AS objective_id,
       any_value(o.objective) AS objective,
       any_value(o.pillar) AS pillar,
       any_value(o.priority) AS priority,
       s.department,
       count(*) AS actions,
       sum(s.budget_allocated) AS budget_allocated,
       sum(s.budget_spent) AS budget_spent
FROM action_status s
LEFT JOIN objectives o
    ON s.objective_valid AND o.objective_id = s.objective_id
   AND o.register_version = (SELECT version FROM register)
WHERE s.is_current
  AND s.period = $month
  AND s.status <> 'Cancelled'
  AND (len($departments) = 0 OR list_contains($departments, s.department))
  AND (len($objectives) = 0 OR list_contains($objectives, s.objective_id))
  AND (len($statuses) = 0 OR list_contains($statuses, s.status))
GROUP BY 1, s.department
ORDER BY objective_id NULLS LAST, s.department
