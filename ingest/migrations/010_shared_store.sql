-- 010: ready for the shared store (DuckLake, issue 14), where a catalog holds no macros and
-- concurrent writers are told apart only by a conflict at commit.
-- The three macros left are SQL fragments in ingest/sql now (carried_rows, due_date_moves_rows,
-- report_summary_periods), included where used.
DROP MACRO TABLE carried_rows;
DROP MACRO TABLE due_date_moves_rows;
DROP MACRO TABLE report_summary_periods;
-- Every write transaction first bumps this row (ingest.db.transaction), so two writers at once
-- conflict and the later one is retried: ids taken as max + 1 and rows replaced by delete and
-- insert stay unique without constraints the shared store does not have.
INSERT INTO meta VALUES ('writes', 0);
