-- action_figures: each current action reported in the months asked, every reported field, with the
-- per-action figures of SPEC §5.3 (slip), §5.6 (SMART), §5.9 (schedule, forecast), §5.10 (RAG),
-- the dependency figures of dependency_actions.sql (issue 16) and where the row came from: the
-- rows of figures.sql (its parameters), less `progress`, in order.
WITH dependencies AS (
    {{metrics:dependency_actions}}
)
SELECT f.* EXCLUDE (progress, upload_id, file_name, sheet, source_row, carried_forward),
       d.waiting_on, coalesce(d.blocked, FALSE) AS blocked, d.dependency_forecast,
       d.slip_from_dependencies,
       f.upload_id, f.file_name, f.sheet, f.source_row, f.carried_forward
FROM ({{metrics:figures}}) f
LEFT JOIN dependencies d
    ON d.period = f.period AND d.department = f.department AND d.action_id = f.action_id
ORDER BY f.department, f.period, f.source_row, f.action_id
