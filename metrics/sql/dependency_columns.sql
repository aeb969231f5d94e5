-- dependency_columns: the dependency figures of each action with a link (issue 16; the columns
-- dependency_actions.sql gives), from `action_links`: one row per link of the action, with the
-- action's period, department, action_id, status, due_date and dependency_forecast (its
-- `finish`; NULL when Cancelled) and the link's pred_department, pred_action_id, waiting, late
-- and days_late (dependency_network.sql's `states`). Written once: dependency_actions.sql reads
-- the network's links through it, and metrics.dependencies.with_dependencies the month's links
-- a page already holds (`month_links`).
SELECT period, department, action_id,
       string_agg(pred_department || ': ' || pred_action_id, '; '
                  ORDER BY pred_department, pred_action_id) FILTER (WHERE waiting) AS waiting_on,
       coalesce(bool_or(late), FALSE) AS blocked,
       any_value(dependency_forecast) AS dependency_forecast,
       CASE WHEN any_value(status) NOT IN ('Completed', 'Cancelled')
                 AND any_value(due_date) IS NOT NULL
            THEN coalesce(max(days_late), 0) END AS slip_from_dependencies
FROM action_links
GROUP BY period, department, action_id
