-- Rebuild departments' report_summary rows of some periods (report_summary_rows.sql).
-- Parameters: $departments, $periods (lists; empty = all); the RAG thresholds in force.
INSERT INTO report_summary BY NAME
SELECT * FROM ({{ingest:report_summary_rows}})
