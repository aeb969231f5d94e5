-- action_figures: each current action reported in the months asked, every reported field, with the
-- per-action figures of SPEC §5.3 (slip), §5.6 (SMART), §5.9 (schedule, forecast), §5.10 (RAG)
-- and where the row came from (upload, file, sheet, spreadsheet row; for an action carried over
-- from an earlier report, migration 007, the report it was last read from, and carried_forward).
-- Parameters: $months (YYYY-MM list); $departments, $objectives, $statuses, $action_ids (empty
-- list = all);
-- RAG thresholds $red_slip_days, $red_schedule_variance, $amber_schedule_variance;
-- $with_moves: count due_date_changes (from due_date_moves; NULL when false, for summaries
-- that do not need it).
WITH chosen AS (
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
    FROM chosen c
    JOIN due_date_moves m
        ON m.department = c.department AND m.action_id = c.action_id AND m.period <= c.period
    WHERE $with_moves
    GROUP BY c.department, c.action_id, c.period
),
base AS (
    SELECT c.*,
           a.baseline_due_date,
           u.file_name,
           CASE WHEN $with_moves THEN CAST(coalesce(m.due_date_changes, 0) AS INTEGER) END
               AS due_date_changes,
           c.status = 'Cancelled' AS cancelled,
           CASE WHEN c.status = 'Completed' THEN 100.0 ELSE coalesce(c.percent_complete, 0) END
               AS progress,
           coalesce(c.status NOT IN ('Completed', 'Cancelled') AND c.due_date < c.period_end, FALSE)
               AS is_overdue,
           -- greatest() skips NULLs, so a Completed row without completion_date is caught first
           CASE WHEN c.status = 'Cancelled' OR a.baseline_due_date IS NULL THEN NULL
                WHEN c.status = 'Completed' AND c.completion_date IS NULL THEN NULL
                WHEN c.status = 'Completed' THEN greatest(0, c.completion_date - a.baseline_due_date)
                ELSE greatest(0, c.period_end - a.baseline_due_date) END AS slip_days,
           coalesce(c.due_date > a.baseline_due_date, FALSE) AS rescheduled,
           regexp_matches(c.action, '\S+\s+\S+\s+\S+\s+\S') AS specific,
           coalesce(trim(c.success_metric), '') <> '' AND c.target IS NOT NULL AS measurable,
           coalesce(trim(c.responsible), '') <> ''
               AND (c.budget_allocated IS NOT NULL OR coalesce(trim(c.resources), '') <> '')
               AS achievable,
           c.objective_valid AS relevant,
           c.due_date IS NOT NULL AND (c.start_date IS NULL OR c.start_date <= c.due_date)
               AS time_bound,
           CASE WHEN c.status = 'Cancelled' OR c.start_date IS NULL OR c.due_date IS NULL THEN NULL
                WHEN c.due_date <= c.start_date
                    THEN CASE WHEN c.period_end >= c.due_date THEN 100.0 ELSE 0.0 END
                ELSE 100.0 * least(1.0, greatest(0.0,
                    (c.period_end - c.start_date) / (c.due_date - c.start_date)::DOUBLE)) END
               AS planned_progress,
           CASE WHEN c.start_date IS NOT NULL AND c.period_end > c.start_date
                     AND c.percent_complete > 0 AND c.percent_complete < 100
                     AND c.status NOT IN ('Completed', 'Cancelled')
                THEN c.start_date + CAST(round(
                    (c.period_end - c.start_date) * 100.0 / c.percent_complete) AS INTEGER)
                END AS forecast_finish
    FROM chosen c
    LEFT JOIN (SELECT department, action_id, baseline_due_date FROM actions
               WHERE (department, action_id) IN (SELECT department, action_id FROM chosen)) a
        ON a.department = c.department AND a.action_id = c.action_id
    LEFT JOIN uploads u ON u.upload_id = coalesce(c.carried_from_upload, c.upload_id)
    LEFT JOIN moves m
        ON m.department = c.department AND m.action_id = c.action_id AND m.period = c.period
),
figures AS (
    SELECT b.*,
           (CASE WHEN b.specific THEN 1 ELSE 0 END + CASE WHEN b.measurable THEN 1 ELSE 0 END
            + CASE WHEN b.achievable THEN 1 ELSE 0 END + CASE WHEN b.relevant THEN 1 ELSE 0 END
            + CASE WHEN b.time_bound THEN 1 ELSE 0 END) / 5.0 AS smart_score,
           concat_ws(', ',
               CASE WHEN NOT b.specific THEN 'Specific' END,
               CASE WHEN NOT b.measurable THEN 'Measurable' END,
               CASE WHEN NOT b.achievable THEN 'Achievable' END,
               CASE WHEN NOT b.relevant THEN 'Relevant' END,
               CASE WHEN NOT b.time_bound THEN 'Time-bound' END) AS failed_checks,
           CASE WHEN b.cancelled THEN NULL ELSE b.progress - b.planned_progress END
               AS schedule_variance,
           b.forecast_finish - b.due_date AS forecast_slip_days
    FROM base b
)
SELECT department, period, period_end, action_id, action, objective_id, objective_valid,
       responsible, resources, budget_allocated, budget_spent, start_date, due_date, due_text,
       baseline_due_date, status, percent_complete, completion_date, success_metric, target,
       actual, metric_direction, quality_review, risk, risk_level, mitigation, reason_code,
       comments, extra,
       is_overdue AS overdue, slip_days, rescheduled, due_date_changes,
       specific, measurable, achievable, relevant, time_bound, smart_score, failed_checks,
       planned_progress, schedule_variance, forecast_finish, forecast_slip_days,
       CASE WHEN cancelled THEN NULL
            WHEN status = 'Completed' THEN 'Complete'
            WHEN is_overdue OR slip_days > $red_slip_days
                 OR schedule_variance < $red_schedule_variance THEN 'Red'
            WHEN schedule_variance < $amber_schedule_variance OR status IN ('At risk', 'Delayed')
                 OR forecast_slip_days > 0 THEN 'Amber'
            ELSE 'Green' END AS rag,
       coalesce(carried_from_upload, upload_id) AS upload_id, file_name, sheet, source_row,
       carried_from_upload IS NOT NULL AS carried_forward
FROM figures
ORDER BY department, period, source_row, action_id
