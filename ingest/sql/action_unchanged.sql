-- action_unchanged: whether an action is stale (SPEC §5.11), written here and nowhere else.
-- Included (as ingest:action_unchanged) by report_summary_rows.sql and
-- metrics/sql/stale_actions.sql. Reads `numbered_rows`, a CTE the including query defines:
-- current action_status rows with department, action_id, period, status, percent_complete,
-- carried_from_upload and report_no (the report's number among its department's reports in
-- force, in period order).
-- Returns every column of it, and:
--   unchanged      the same status and percent_complete (an empty one equals an empty one) in
--                  this report and the two before it of its department (a month the department
--                  did not report is no gap), each of the three reporting the action: a row
--                  carried over from an earlier report is no report of it
--   stale          unchanged, and neither Completed nor Cancelled
--   since_period   the month of the first of those three reports, when unchanged
SELECT * EXCLUDE (first_period),
       unchanged AND status NOT IN ('Completed', 'Cancelled') AS stale,
       CASE WHEN unchanged THEN first_period END AS since_period
FROM (
    SELECT *,
           coalesce(lag(report_no, 1) OVER w = report_no - 1
                    AND lag(report_no, 2) OVER w = report_no - 2
                    AND lag(status, 1) OVER w = status AND lag(status, 2) OVER w = status
                    AND lag(percent_complete, 1) OVER w IS NOT DISTINCT FROM percent_complete
                    AND lag(percent_complete, 2) OVER w IS NOT DISTINCT FROM percent_complete
                    AND carried_from_upload IS NULL
                    AND lag(carried_from_upload, 1) OVER w IS NULL
                    AND lag(carried_from_upload, 2) OVER w IS NULL,
                    FALSE) AS unchanged,
           lag(period, 2) OVER w AS first_period
    FROM numbered_rows
    WINDOW w AS (PARTITION BY department, action_id ORDER BY period))
