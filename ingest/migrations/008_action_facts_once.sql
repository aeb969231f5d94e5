-- 008: the per-action facts (progress, slip_days, SMART, planned_progress, the RAG...) are
-- written once, in ingest/sql/action_facts.sql, which report_summary's refresh
-- (ingest/sql/report_summary_rows.sql, through ingest.db.refresh_summary) and the metrics
-- queries include as text. Migration 004's macro report_summary_rows held a copy of them; it is
-- dropped. ingest.db.follow_definitions rebuilds every report_summary row when its definition
-- changes, so the rows kept follow the one definition.
DROP MACRO TABLE report_summary_rows;
