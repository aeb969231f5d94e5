-- dependency_actions: the dependency figures of every action of the months asked (issue 16),
-- whatever its department (an including query picks the rows it shows). One row per month
-- (`period`), department and action of the plans in force (dependency_network.sql):
--   waiting_on              its predecessors not yet Completed, '; '-joined `Department: ID`
--                           (NULL when none, and for an action Completed or Cancelled)
--   blocked                 open, and a predecessor open (not Completed nor Cancelled) is overdue,
--                           or its `finish` is after this action's due date
--   dependency_forecast     its `finish` (dependency_network.sql): the later of its own
--                           expected_finish and, for each predecessor, the predecessor's finish
--                           plus this action's remaining_days (followed up the chain); NULL for an
--                           action without a link, and when Cancelled
--   slip_from_dependencies  days by which that moves it past its due date: max(0,
--                           dependency_forecast − max(due date, expected_finish)); NULL without a
--                           link, a due date, or when Completed or Cancelled
-- Parameters: those of dependency_network.sql.
WITH {{metrics:dependency_network}},
direct AS (
    SELECT l.month, l.department, l.action_id, a.status, a.due_date,
           l.pred_department, l.pred_action_id, u.status AS pred_status,
           u.is_overdue AS pred_overdue, u.finish AS pred_finish
    FROM links l
    JOIN nodes a ON a.month = l.month AND a.department = l.department AND a.action_id = l.action_id
    JOIN nodes u
        ON u.month = l.month AND u.department = l.pred_department AND u.action_id = l.pred_action_id
),
per_action AS (
    SELECT month, department, action_id, count(*) AS links,
           string_agg(pred_department || ': ' || pred_action_id, '; '
                      ORDER BY pred_department, pred_action_id)
               FILTER (WHERE status NOT IN ('Completed', 'Cancelled') AND pred_status <> 'Completed')
               AS waiting_on,
           coalesce(bool_or(status NOT IN ('Completed', 'Cancelled')
                            AND pred_status NOT IN ('Completed', 'Cancelled')
                            AND (pred_overdue OR pred_finish > due_date)), FALSE) AS blocked
    FROM direct
    GROUP BY month, department, action_id
)
SELECT n.month AS period, n.department, n.action_id, w.waiting_on,
       coalesce(w.blocked, FALSE) AS blocked,
       CASE WHEN w.links > 0 AND n.status <> 'Cancelled' THEN n.finish END AS dependency_forecast,
       CASE WHEN w.links > 0 AND n.status NOT IN ('Completed', 'Cancelled') AND n.due_date IS NOT NULL
            THEN greatest(0, n.finish - greatest(n.due_date, n.expected_finish)) END
           AS slip_from_dependencies
FROM nodes n
LEFT JOIN per_action w ON w.month = n.month AND w.department = n.department AND w.action_id = n.action_id
