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
    SELECT DISTINCT r.department, r.period, r.report_no
    FROM reports r
    JOIN asked a ON a.department = r.department
                AND r.report_no BETWEEN a.report_no - 2 AND a.report_no
),
compared AS (
    -- each row with the two before it in (department, action_id, period) order, kept only when
    -- they are the same action (as a window partitioned by action would give): one sort instead
    -- of a partition per action, which is slow for many actions; the window carries only what the
    -- comparison needs, the rest is read for the stale actions
    SELECT s.department, s.period, s.action_id, s.status, s.percent_complete, n.report_no,
           lag({'department': s.department, 'action_id': s.action_id, 'report_no': n.report_no,
                'status': s.status, 'percent_complete': s.percent_complete,
                'period': s.period}, 1) OVER w AS p1,
           lag({'department': s.department, 'action_id': s.action_id, 'report_no': n.report_no,
                'status': s.status, 'percent_complete': s.percent_complete,
                'period': s.period}, 2) OVER w AS p2
    FROM action_status s
    JOIN needed n ON n.department = s.department AND n.period = s.period
    WHERE s.is_current
      AND s.period >= (SELECT min(period) FROM needed)
    WINDOW w AS (ORDER BY s.department, s.action_id, s.period)
),
stale AS (
    SELECT department, period, action_id, p2.period AS since_period
    FROM compared
    WHERE list_contains($months, period)
      AND status NOT IN ('Completed', 'Cancelled')
      AND p1.department = department AND p1.action_id = action_id
      AND p2.department = department AND p2.action_id = action_id
      AND p1.report_no = report_no - 1 AND p2.report_no = report_no - 2
      AND p1.status = status AND p2.status = status
      AND p1.percent_complete IS NOT DISTINCT FROM percent_complete
      AND p2.percent_complete IS NOT DISTINCT FROM percent_complete
)
SELECT s.department, s.period, s.action_id, s.action, s.status, s.percent_complete,
       t.since_period, s.upload_id, s.sheet, s.source_row
FROM stale t
JOIN action_status s
    ON s.department = t.department AND s.period = t.period AND s.action_id = t.action_id
   AND s.is_current
ORDER BY s.department, s.period, s.source_row
