-- stale_actions: actions of the months asked that are stale (SPEC §5.11): not Completed (nor
-- Cancelled) and with the same status and percent_complete in three consecutive reports of
-- their department (its accepted reports in force, in period order; a month it did not report
-- is no gap), this one and the two before. An empty percent_complete equals an empty one.
-- Parameters: $months (YYYY-MM list); $departments (empty list = all).
WITH reports AS (
    SELECT department, period,
           row_number() OVER (PARTITION BY department ORDER BY period) AS report_no
    FROM uploads
    WHERE status = 'accepted' AND is_current
      AND period <= (SELECT max(m) FROM (SELECT unnest($months) AS m))
      AND (len($departments) = 0 OR list_contains($departments, department))
),
asked AS (
    SELECT department, report_no FROM reports WHERE list_contains($months, period)
),
needed AS (
    -- each asked report and the two before it: the only rows the comparison reads
    SELECT DISTINCT r.department, r.period
    FROM reports r
    JOIN asked a ON a.department = r.department
                AND r.report_no BETWEEN a.report_no - 2 AND a.report_no
),
rows AS (
    SELECT s.department, s.period, s.action_id, s.action, s.status, s.percent_complete,
           s.upload_id, s.sheet, s.source_row, r.report_no,
           lag(r.report_no, 1) OVER w AS report_no_1,
           lag(r.report_no, 2) OVER w AS report_no_2,
           lag(s.status, 1) OVER w AS status_1,
           lag(s.status, 2) OVER w AS status_2,
           lag(s.percent_complete, 1) OVER w AS percent_1,
           lag(s.percent_complete, 2) OVER w AS percent_2,
           lag(s.period, 2) OVER w AS since_period
    FROM action_status s
    JOIN needed n ON n.department = s.department AND n.period = s.period
    JOIN reports r ON r.department = s.department AND r.period = s.period
    WHERE s.is_current
      AND s.period >= (SELECT min(period) FROM needed)
    WINDOW w AS (PARTITION BY s.department, s.action_id ORDER BY s.period)
)
SELECT department, period, action_id, action, status, percent_complete, since_period,
       upload_id, sheet, source_row
FROM rows
WHERE list_contains($months, period)
  AND status NOT IN ('Completed', 'Cancelled')
  AND report_no_1 = report_no - 1 AND report_no_2 = report_no - 2
  AND status_1 = status AND status_2 = status
  AND percent_1 IS NOT DISTINCT FROM percent_complete
  AND percent_2 IS NOT DISTINCT FROM percent_complete
ORDER BY department, period, source_row
