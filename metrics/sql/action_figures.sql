-- action_figures: each current action reported in the months asked, every reported field, with the
-- per-action figures of SPEC §5.3 (slip), §5.6 (SMART), §5.9 (schedule, forecast), §5.10 (RAG)
-- and where the row came from: the rows of figures.sql (its parameters), less `progress`, in order.
SELECT * EXCLUDE (progress)
FROM ({{metrics:figures}})
ORDER BY department, period, source_row, action_id
