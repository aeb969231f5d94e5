-- dependency_links: each dependency of the month asked (issue 16), one row per link of
-- dependency_network.sql (`states`: waiting, late, days_late), with both actions and where each
-- was read from (the predecessor's columns start with pred_). `action_late`: the action is
-- overdue, or open with its dependency_forecast after its due date.
-- Parameters: those of dependency_network.sql.
WITH {{metrics:dependency_network}},
sources AS (
    SELECT n.*, coalesce(n.carried_from_upload, n.upload_id) AS source_upload, u.file_name
    FROM nodes n
    LEFT JOIN uploads u ON u.upload_id = coalesce(n.carried_from_upload, n.upload_id)
)
SELECT s.month AS period, s.department, s.action_id, a.action, a.status, a.rag, a.objective_id,
       a.initiative, a.due_date, a.is_overdue AS overdue,
       CASE WHEN a.status <> 'Cancelled' THEN a.finish END AS dependency_forecast,
       s.ref, s.pred_department, s.pred_action_id, p.action AS pred_action, p.status AS pred_status,
       p.rag AS pred_rag, p.objective_id AS pred_objective_id, p.initiative AS pred_initiative,
       p.due_date AS pred_due_date, p.is_overdue AS pred_overdue, p.finish AS pred_forecast,
       s.department <> s.pred_department AS cross_department, s.waiting, s.late, s.days_late,
       coalesce(a.is_overdue OR (a.open AND a.finish > a.due_date), FALSE) AS action_late,
       a.source_upload AS upload_id, a.file_name, a.sheet, a.source_row,
       p.source_upload AS pred_upload_id, p.file_name AS pred_file_name, p.sheet AS pred_sheet,
       p.source_row AS pred_source_row
FROM states s
JOIN sources a ON a.node_id = s.node_id
JOIN sources p ON p.node_id = s.pred_node_id
ORDER BY s.department, a.source_row, s.action_id, s.pred_department, s.pred_action_id
