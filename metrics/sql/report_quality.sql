-- report_quality: each department × month asked — the department's report for that month (SPEC
-- §5.11 and the Submissions page): on time, late, missing or rejected, how many versions, rows
-- and warnings of the report in force, and not_reported: its open actions carried over because it
-- left them out (migration 007). On time is judged by the first accepted version; the
-- deadline is day $on_time_day of the following month (the month's last day at most).
-- A rejection stands only while the month has no accepted version: `rejected` counts the failed
-- submissions recorded (CLI, bulk load, or "Record as a failed submission" on Upload; a check on
-- Upload records none) for a department-month with no accepted report, else 0.
-- Parameters: $months (YYYY-MM list); $departments (empty list = the departments of the register
-- each month is judged against, or every department that ever had an accepted report when the
-- register lists none: metrics:scope_departments).
WITH months AS (
    SELECT unnest($months) AS period
),
scope_departments AS (
    {{metrics:scope_departments}}
),
deadlines AS (
    {{metrics:report_deadlines}}
),
grid AS (
    SELECT period, department FROM scope_departments
    UNION
    SELECT u.period, u.department FROM uploads u
    WHERE list_contains($months, u.period)
      AND (len($departments) = 0 OR list_contains($departments, u.department))
),
cells AS (
    SELECT g.department, g.period,
           d.deadline,
           min(coalesce(u.submitted_at, u.uploaded_at)) FILTER (WHERE u.status = 'accepted')
               AS first_submitted_at,
           count(u.upload_id) FILTER (WHERE u.status = 'accepted') AS versions,
           count(u.upload_id) FILTER (WHERE u.status = 'rejected') AS rejected
    FROM grid g
    LEFT JOIN deadlines d ON d.period = g.period
    LEFT JOIN uploads u ON u.department = g.department AND u.period = g.period
    GROUP BY g.department, g.period, d.deadline
)
SELECT c.department, c.period, c.deadline,
       CASE WHEN c.versions = 0 AND c.rejected > 0 THEN 'rejected'
            WHEN c.versions = 0 THEN 'missing'
            WHEN CAST(c.first_submitted_at AS DATE) <= c.deadline THEN 'on time'
            ELSE 'late' END AS state,
       CASE WHEN c.versions > 0 THEN CAST(c.first_submitted_at AS DATE) <= c.deadline END
           AS on_time,
       c.first_submitted_at,
       coalesce(cur.submitted_at, cur.uploaded_at) AS current_submitted_at,
       c.versions, CASE WHEN c.versions = 0 THEN c.rejected ELSE 0 END AS rejected,
       cur.upload_id, cur.file_name, cur.row_count, cur.warning_count,
       cur.warning_count / nullif(cur.row_count, 0) AS warnings_per_row,
       CASE WHEN cur.upload_id IS NOT NULL THEN coalesce(nr.not_reported, 0) END AS not_reported
FROM cells c
LEFT JOIN uploads cur
    ON cur.department = c.department AND cur.period = c.period
   AND cur.status = 'accepted' AND cur.is_current
LEFT JOIN (SELECT upload_id, count(*) AS not_reported
           FROM action_status
           WHERE is_current AND list_contains($months, period) AND carried_from_upload IS NOT NULL
             AND status NOT IN ('Completed', 'Cancelled')
           GROUP BY upload_id) nr ON nr.upload_id = cur.upload_id
ORDER BY c.department, c.period
