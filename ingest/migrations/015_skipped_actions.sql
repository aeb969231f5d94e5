-- 015: the action IDs of the rows a report skipped as invalid (`--skip-invalid-rows`), lower-case,
-- as a JSON list: in a portfolio snapshot (absent_actions 'left') an action whose row was skipped
-- has not left the plan, so carried_rows.sql carries it over as a report that carries would.
ALTER TABLE uploads ADD COLUMN skipped_actions VARCHAR DEFAULT '[]';
