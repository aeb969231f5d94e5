-- The department's plan from its report in force for a period, else its last before it (Cancelled
-- left out; actions it carried over included): what its template for that period is pre-filled
-- with, the open actions to update and, below them, the Completed ones for reference. A month
-- already reported is corrected from what its own report said: the actions it cancelled stay
-- (sent back, they stay Cancelled), and the open ones it left out, carried, are not rows of it
-- (sent back, they stay carried, not reported). `carried_from`: for an action that report left out,
-- the month its figures are of. Parameters: $d department, $p period.
WITH last_report AS (
    SELECT max(period) AS period FROM uploads
    WHERE department = $d AND is_current AND status = 'accepted' AND period <= $p
)
SELECT s.action_id, s.action, s.objective_id, s.responsible, s.resources, s.budget_allocated,
       s.budget_spent, s.start_date, s.due_date, s.due_text, s.status, s.percent_complete,
       s.completion_date, s.success_metric, s.target, s.actual, s.metric_direction,
       s.quality_review, s.risk, s.risk_level, s.mitigation, s.reason_code, s.comments,
       s.depends_on, s.initiative, s.period AS reported_for,
       c.period AS carried_from  -- left out of that report: the month of the figures it carries
FROM action_status s
LEFT JOIN uploads c ON c.upload_id = s.carried_from_upload
WHERE s.department = $d AND s.is_current AND s.period = (SELECT period FROM last_report)
  AND (s.status <> 'Cancelled' OR s.period = $p)
  AND NOT (s.period = $p AND s.carried_from_upload IS NOT NULL AND s.status <> 'Completed')
ORDER BY s.status = 'Completed', s.source_row, s.action_id
