-- dependency_plan: the actions `action_rows` holds (a CTE of action_status rows with their `month`,
-- as ingest/sql/action_facts.sql reads), with the facts of action_facts.sql as of their own report
-- and what the dependency figures need of each (issue 16):
--   expected_finish  when it finishes: its completion date (the report's month end when Completed
--                    without one); else its forecast_finish (SPEC §5.9) when progress gives one;
--                    else the later of its due date and the month end; NULL when Cancelled or
--                    without a due date
--   remaining_days   days of work left at its planned pace, (due − start) × (100 − progress) ÷
--                    100, rounded; 0 when Completed, Cancelled, or without both dates
-- Included by dependency_network.sql (the actions with a link) and initiatives.sql (the
-- initiatives' actions). Parameters: the RAG thresholds action_facts.sql binds.
SELECT *,
       CASE WHEN status = 'Cancelled' THEN NULL
            WHEN status = 'Completed' THEN coalesce(completion_date, period_end)
            WHEN forecast_finish IS NOT NULL THEN forecast_finish
            WHEN due_date IS NULL THEN NULL
            ELSE greatest(due_date, period_end) END AS expected_finish,
       CASE WHEN status IN ('Completed', 'Cancelled') OR start_date IS NULL
                 OR due_date IS NULL OR due_date <= start_date THEN 0
            ELSE CAST(round((due_date - start_date) * (100 - progress) / 100.0) AS INTEGER)
            END AS remaining_days
FROM (
    {{ingest:action_facts}}
)
