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
-- Worked out by dependency_columns.sql from the network's links. Parameters: those of
-- dependency_network.sql.
WITH {{metrics:dependency_network}},
action_links AS (
    SELECT n.month AS period, n.department, n.action_id, n.status, n.due_date,
           CASE WHEN n.status <> 'Cancelled' THEN n.finish END AS dependency_forecast,
           s.pred_department, s.pred_action_id, s.waiting, s.late, s.days_late
    FROM states s
    JOIN nodes n ON n.node_id = s.node_id
)
{{metrics:dependency_columns}}
