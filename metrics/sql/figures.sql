-- figures: each current action reported in the months asked, every reported field, with the
-- per-action facts of ingest/sql/action_facts.sql (SPEC §5: progress, slip, SMART, schedule,
-- forecast, RAG) and where the row came from (upload, file, sheet, spreadsheet row; for an
-- action carried over from an earlier report, migration 007, the report it was last read from,
-- and carried_forward). Unordered, with `progress`: the rows the figures_*.sql queries read;
-- action_figures.sql gives them in their public shape.
-- Parameters: $months (YYYY-MM list); $departments, $objectives, $statuses, $action_ids (empty
-- list = all);
-- RAG thresholds $red_slip_days, $red_schedule_variance, $amber_schedule_variance;
-- $with_moves: count due_date_changes (from due_date_moves; NULL when false, for summaries
-- that do not need it).
WITH action_rows AS (
    SELECT s.*
    FROM action_status s
    WHERE s.is_current
      AND list_contains($months, s.period)
      AND (len($departments) = 0 OR list_contains($departments, s.department))
      AND (len($objectives) = 0 OR list_contains($objectives, s.objective_id))
      AND (len($statuses) = 0 OR list_contains($statuses, s.status))
      AND (len($action_ids) = 0 OR list_contains($action_ids, s.action_id))
),
moves AS (
    -- the moves of each chosen action's due date up to its month (migration 005's
    -- due_date_moves: a reported due date that differs from the one reported before it)
    SELECT c.department, c.action_id, c.period, count(*) AS due_date_changes
    FROM action_rows c
    JOIN due_date_moves m
        ON m.department = c.department AND m.action_id = c.action_id AND m.period <= c.period
    WHERE $with_moves
    GROUP BY c.department, c.action_id, c.period
),
facts AS (
    {{ingest:action_facts}}
)
SELECT f.department, f.period, f.period_end, f.action_id, f.action, f.objective_id,
       f.objective_valid, f.responsible, f.resources, f.budget_allocated, f.budget_spent,
       f.start_date, f.due_date, f.due_text, f.baseline_due_date, f.status, f.percent_complete,
       f.completion_date, f.success_metric, f.target, f.actual, f.metric_direction,
       f.quality_review, f.risk, f.risk_level, f.mitigation, f.reason_code, f.comments, f.extra,
       f.depends_on, f.initiative,
       f.is_overdue AS overdue, f.slip_days, f.rescheduled,
       CASE WHEN $with_moves THEN CAST(coalesce(m.due_date_changes, 0) AS INTEGER) END
           AS due_date_changes,
       f.specific, f.measurable, f.achievable, f.relevant, f.time_bound, f.smart_score,
       f.failed_checks, f.planned_progress, f.schedule_variance, f.forecast_finish,
       f.forecast_slip_days, f.rag,
       coalesce(f.carried_from_upload, f.upload_id) AS upload_id, u.file_name, f.sheet,
       f.source_row, f.carried_from_upload IS NOT NULL AS carried_forward,
       f.progress
FROM facts f
LEFT JOIN uploads u ON u.upload_id = coalesce(f.carried_from_upload, f.upload_id)
LEFT JOIN moves m
    ON m.department = f.department AND m.action_id = f.action_id AND m.period = f.period
