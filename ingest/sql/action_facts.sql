-- action_facts: the per-action facts of SPEC §5, written here and nowhere else. Included (as
-- ingest:action_facts) by report_summary_rows.sql (the summary kept at load) and by
-- metrics/sql/kpis.sql and metrics/sql/figures.sql: changing a formula here changes them all.
-- Reads `action_rows`, a CTE of action_status rows the including query defines, with at least
-- department, action_id, action, status, percent_complete, period_end, start_date, due_date,
-- completion_date, success_metric, target, actual, metric_direction, responsible, resources,
-- budget_allocated, objective_valid and quality_review. Returns every column of it, and:
--   baseline_due_date   the first due date reported for the action (table `actions`)
--   progress            percent_complete, 100 when Completed, 0 when empty (§5.1)
--   is_overdue          open (not Completed nor Cancelled) and due before the month's end (§5.2)
--   completed_on_time   Completed by its due date; NULL unless Completed with both dates (§5.2)
--   slip_days           days past the baseline due date: to completion, else to the month's end;
--                       NULL when Cancelled, without a baseline, or Completed without a date (§5.3)
--   rescheduled         due date later than the baseline (§5.3)
--   earned_value        progress share of the budget, where a budget is allocated (§5.4)
--   quality_pass        review 'meets'; NULL unless Completed and reviewed (§5.5)
--   attainment          actual against target, 0–1, per metric_direction; NULL unless a
--                       positive target and an actual (§5.5)
--   specific, measurable, achievable, relevant, time_bound; smart (all five), smart_score
--                       (share passed), failed_checks (the names failed) (§5.6)
--   planned_progress    the share of start→due elapsed at the month's end (§5.9)
--   schedule_variance   percent_complete − planned_progress, in points; NULL without a
--                       progress figure, which then neither reddens nor ambers the RAG (§5.9)
--   forecast_finish     the date progress at this pace reaches 100; forecast_slip_days (§5.9)
--   rag                 Complete, Red, Amber or Green (NULL when Cancelled) under the
--                       thresholds $red_slip_days, $red_schedule_variance and
--                       $amber_schedule_variance (§5.10)
SELECT *,
       CASE WHEN status = 'Cancelled' THEN NULL
            WHEN status = 'Completed' THEN 'Complete'
            WHEN is_overdue OR slip_days > $red_slip_days
                 OR schedule_variance < $red_schedule_variance THEN 'Red'
            WHEN schedule_variance < $amber_schedule_variance OR status IN ('At risk', 'Delayed')
                 OR forecast_slip_days > 0 THEN 'Amber'
            ELSE 'Green' END AS rag
FROM (
    SELECT *,
           specific AND measurable AND achievable AND relevant AND time_bound AS smart,
           (CASE WHEN specific THEN 1 ELSE 0 END + CASE WHEN measurable THEN 1 ELSE 0 END
            + CASE WHEN achievable THEN 1 ELSE 0 END + CASE WHEN relevant THEN 1 ELSE 0 END
            + CASE WHEN time_bound THEN 1 ELSE 0 END) / 5.0 AS smart_score,
           concat_ws(', ',
               CASE WHEN NOT specific THEN 'Specific' END,
               CASE WHEN NOT measurable THEN 'Measurable' END,
               CASE WHEN NOT achievable THEN 'Achievable' END,
               CASE WHEN NOT relevant THEN 'Relevant' END,
               CASE WHEN NOT time_bound THEN 'Time-bound' END) AS failed_checks,
           CASE WHEN budget_allocated > 0 THEN progress / 100.0 * budget_allocated END
               AS earned_value,
           percent_complete - planned_progress AS schedule_variance,
           forecast_finish - due_date AS forecast_slip_days
    FROM (
        SELECT r.*,
               b.baseline_due_date,
               CASE WHEN r.status = 'Completed' THEN 100.0 ELSE coalesce(r.percent_complete, 0) END
                   AS progress,
               coalesce(r.status NOT IN ('Completed', 'Cancelled') AND r.due_date < r.period_end,
                        FALSE) AS is_overdue,
               CASE WHEN r.status = 'Completed' AND r.completion_date IS NOT NULL
                         AND r.due_date IS NOT NULL
                    THEN r.completion_date <= r.due_date END AS completed_on_time,
               -- greatest() skips NULLs, so a Completed row without completion_date is caught first
               CASE WHEN r.status = 'Cancelled' OR b.baseline_due_date IS NULL THEN NULL
                    WHEN r.status = 'Completed' AND r.completion_date IS NULL THEN NULL
                    WHEN r.status = 'Completed'
                        THEN greatest(0, r.completion_date - b.baseline_due_date)
                    ELSE greatest(0, r.period_end - b.baseline_due_date) END AS slip_days,
               coalesce(r.due_date > b.baseline_due_date, FALSE) AS rescheduled,
               CASE WHEN r.status = 'Completed' AND r.quality_review IS NOT NULL
                    THEN lower(r.quality_review) = 'meets' END AS quality_pass,
               CASE WHEN r.target > 0 AND r.actual IS NOT NULL
                    THEN CASE WHEN r.metric_direction = 'decrease'
                              THEN CASE WHEN r.actual <= r.target THEN 1.0
                                        ELSE r.target / r.actual END
                              ELSE greatest(0.0, least(r.actual / r.target, 1.0)) END
                    END AS attainment,
               regexp_matches(r.action, '\S+\s+\S+\s+\S+\s+\S') AS specific,
               coalesce(trim(r.success_metric), '') <> '' AND r.target IS NOT NULL AS measurable,
               coalesce(trim(r.responsible), '') <> ''
                   AND (r.budget_allocated IS NOT NULL OR coalesce(trim(r.resources), '') <> '')
                   AS achievable,
               r.objective_valid AS relevant,
               r.due_date IS NOT NULL AND (r.start_date IS NULL OR r.start_date <= r.due_date)
                   AS time_bound,
               CASE WHEN r.status = 'Cancelled' OR r.start_date IS NULL OR r.due_date IS NULL
                        THEN NULL
                    WHEN r.due_date <= r.start_date
                        THEN CASE WHEN r.period_end >= r.due_date THEN 100.0 ELSE 0.0 END
                    ELSE 100.0 * least(1.0, greatest(0.0,
                        (r.period_end - r.start_date) / (r.due_date - r.start_date)::DOUBLE)) END
                   AS planned_progress,
               CASE WHEN r.start_date IS NOT NULL AND r.period_end > r.start_date
                         AND r.percent_complete > 0 AND r.percent_complete < 100
                         AND r.status NOT IN ('Completed', 'Cancelled')
                    THEN r.start_date + CAST(round(
                        (r.period_end - r.start_date) * 100.0 / r.percent_complete) AS INTEGER)
                    END AS forecast_finish
        FROM action_rows r
        LEFT JOIN actions b ON b.department = r.department AND b.action_id = r.action_id))
