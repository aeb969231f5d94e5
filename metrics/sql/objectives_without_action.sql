-- objectives_without_action: objectives of the month's register (as filtered by $objectives)
-- that no action in A has for the month asked — A being the scope's current actions less
-- Cancelled and less those outside $statuses.
-- Parameters: $month (YYYY-MM); $departments, $objectives, $statuses (empty list = all).
WITH months AS (
    SELECT CAST($month AS VARCHAR) AS period
),
register AS (
    -- the register the month is judged against (a later one's objectives are not its own)
    SELECT version FROM ({{ingest:month_registers}})
)
SELECT o.objective_id, o.objective, o.pillar, o.owner, o.period, o.priority
FROM objectives o
WHERE o.register_version = (SELECT version FROM register)
  AND (len($objectives) = 0 OR list_contains($objectives, o.objective_id))
  AND NOT EXISTS (
      SELECT 1 FROM action_status s
      WHERE s.is_current
        AND s.period = $month
        AND s.status <> 'Cancelled'
        AND s.objective_id = o.objective_id
        AND (len($departments) = 0 OR list_contains($departments, s.department))
        AND (len($statuses) = 0 OR list_contains($statuses, s.status)))
ORDER BY o.priority NULLS LAST, o.objective_id
