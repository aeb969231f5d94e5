-- stale_actions: actions of the months asked that are stale (SPEC §5.11, as
-- ingest/sql/action_unchanged.sql defines it): not Completed (nor Cancelled) and with the same
-- status and percent_complete in three consecutive reports of their department, this one and
-- the two before; since_period is the month of the first of the three.
-- Parameters: $months (YYYY-MM list); $departments (empty list = all); $objectives, $statuses
-- (empty list = all: the list of actions takes the plan's filters, a report's count does not).
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
numbered_rows AS (
    SELECT s.department, s.period, s.action_id, s.status, s.percent_complete,
           s.carried_from_upload, n.report_no
    FROM action_status s
    JOIN needed n ON n.department = s.department AND n.period = s.period
    WHERE s.is_current
      AND s.period >= (SELECT min(period) FROM needed)
),
stale AS (
    SELECT department, period, action_id, since_period
    FROM ({{ingest:action_unchanged}})
    WHERE stale AND list_contains($months, period)
)
SELECT s.department, s.period, s.action_id, s.action, s.objective_id, s.status,
       s.percent_complete, t.since_period, s.upload_id, s.sheet, s.source_row
FROM stale t
JOIN action_status s
    ON s.department = t.department AND s.period = t.period AND s.action_id = t.action_id
   AND s.is_current
WHERE (len($objectives) = 0 OR list_contains($objectives, s.objective_id))
  AND (len($statuses) = 0 OR list_contains($statuses, s.status))
ORDER BY s.department, s.period, s.source_row
