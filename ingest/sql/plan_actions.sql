-- The department's plan from its report in force for a period, else its last before it (Cancelled
-- left out; actions it carried over included): what its template for that period is pre-filled
-- with, the open actions to update and, below them, the Completed ones for reference. A month
-- already reported is corrected from what its own report said: the actions it cancelled stay
-- (sent back, they stay Cancelled), and the open ones it left out, carried, are not rows of it
-- (sent back, they stay carried, not reported). Parameters: $d department, $p period.
WITH last_report AS (
    SELECT max(period) AS period FROM uploads
    WHERE department = $d AND is_current AND status = 'accepted' AND period <= $p
)
SELECT action_id, action, objective_id, responsible, resources, budget_allocated, budget_spent,
       start_date, due_date, due_text, status, percent_complete, completion_date, success_metric,
       target, actual, metric_direction, quality_review, risk, risk_level, mitigation, reason_code,
       comments, depends_on, initiative, period AS reported_for
FROM action_status
WHERE department = $d AND is_current AND period = (SELECT period FROM last_report)
  AND (status <> 'Cancelled' OR period = $p)
  AND NOT (period = $p AND carried_from_upload IS NOT NULL AND status <> 'Completed')
ORDER BY status = 'Completed', source_row, action_id
