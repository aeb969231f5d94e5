-- dependency_actions: the dependency figures of every action of the months asked (issue 16),
-- whatever its department (an including query picks the rows it shows). One row per month
-- (`period`), department and action of the plans in force (dependency_network.sql):
--   waiting_on              its predecessors still open (links `waiting`), '; '-joined
--                           `Department: ID`; NULL when none, and for an action Completed or
--                           Cancelled
--   blocked                 a link of it is `late`: it is open, and a predecessor open is overdue
--                           or finishing after its due date
--   dependency_forecast     its `finish`: the later of its own expected_finish and, for each
--                           predecessor, the predecessor's finish plus this action's
--                           remaining_days (followed up the chain); NULL for an action without a
--                           link, and when Cancelled
--   slip_from_dependencies  days by which that moves it past its due date: max(0,
--                           dependency_forecast − max(due date, expected_finish)), the largest
--                           `days_late` of its links; NULL without a link, a due date, or when
--                           Completed or Cancelled
-- Parameters: those of dependency_network.sql.
WITH {{metrics:dependency_network}},
per_action AS (
    SELECT node_id, count(*) AS links,
           string_agg(pred_department || ': ' || pred_action_id, '; '
                      ORDER BY pred_department, pred_action_id) FILTER (WHERE waiting) AS waiting_on,
           bool_or(late) AS blocked,
           max(days_late) AS slip_from_dependencies
    FROM states
    GROUP BY node_id
)
SELECT n.month AS period, n.department, n.action_id, w.waiting_on,
       coalesce(w.blocked, FALSE) AS blocked,
       CASE WHEN n.status <> 'Cancelled' THEN n.finish END AS dependency_forecast,
       CASE WHEN n.open AND n.due_date IS NOT NULL THEN coalesce(w.slip_from_dependencies, 0) END
           AS slip_from_dependencies
FROM nodes n
JOIN per_action w ON w.node_id = n.node_id
