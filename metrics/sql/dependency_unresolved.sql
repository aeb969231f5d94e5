-- dependency_unresolved: the "Depends on" references of the month asked that are no link
-- (dependency_network.sql's `resolved`): they name no action of the plans in force, or several.
-- Upload warns about each; without this they would count nowhere. `found`: how many actions the
-- reference names (0, or more than 1). Parameters: those of dependency_network.sql.
WITH {{metrics:dependency_network}}
SELECT r.month AS period, r.department, r.action_id, any_value(p.action) AS action, r.ref,
       count(DISTINCT c.pred_department || ': ' || c.pred_action_id) AS found,
       any_value(u.file_name) AS file_name, any_value(p.sheet) AS sheet,
       any_value(p.source_row) AS source_row
FROM refs r
JOIN plan_rows p ON p.month = r.month AND p.department = r.department AND p.action_id = r.action_id
LEFT JOIN uploads u ON u.upload_id = coalesce(p.carried_from_upload, p.upload_id)
LEFT JOIN candidates c
    ON c.month = r.month AND c.department = r.department AND c.action_id = r.action_id
   AND c.ref = r.ref
WHERE NOT EXISTS (SELECT 1 FROM resolved x
                  WHERE x.month = r.month AND x.department = r.department
                    AND x.action_id = r.action_id AND x.ref = r.ref)
GROUP BY r.month, r.department, r.action_id, r.ref
ORDER BY r.department, r.action_id, r.ref
