-- digest_actions: for the monthly digest (metrics.digest), each action of the departments that
-- reported the period ($since..$month), as of the department's last report in it, beside its row
-- in the department's previous report in force: the latest month before $since among the months
-- `figures` holds (the rows of figures.sql for each department's last month of the period and
-- its previous month). A row only in that previous report has left the plan (`dropped`); a row
-- only in the period is new (`is_new`; added_*: the period's first report that gave it).
-- Departments without a report in the period are left out: their report is missing, which the
-- digest says once.
-- An action a report of $since..$month cancelled (a quarter's earlier month: the next reports
-- leave it out, as the template does) is Cancelled here, read from the first report that said
-- so, not dropped; one both added and cancelled inside $since..$month is new and Cancelled.
-- Parameters: $month (YYYY-MM), $since (the first month of the period: YYYY-MM).
WITH rows AS (
    -- what is read of `figures`, named once: referenced four times below, it is kept, so only
    -- these columns are worked out and held
    SELECT department, period, action_id, action, status, rag, overdue, period_end, due_date,
           completion_date, percent_complete, slip_days, schedule_variance, forecast_slip_days,
           reason_code, carried_forward, file_name, sheet, source_row
    FROM figures
),
own AS (
    -- the period's rows as their own reports gave them (not carried): where an action was
    -- cancelled, or added
    SELECT s.department, s.action_id, s.action, s.due_date, s.period, s.status, u.file_name,
           s.sheet, s.source_row
    FROM action_status s
    JOIN uploads u ON u.upload_id = s.upload_id
    WHERE s.is_current AND s.carried_from_upload IS NULL AND s.period BETWEEN $since AND $month
      AND (len($departments) = 0 OR list_contains($departments, s.department))
),
cancelled AS (
    -- each action's first own report of the period that gave it Cancelled
    SELECT * EXCLUDE (status) FROM own WHERE status = 'Cancelled'
    QUALIFY row_number() OVER (PARTITION BY department, action_id ORDER BY period) = 1
),
added AS (
    -- a quarter's new actions: each one's first own report of the period, where it was added
    SELECT department, action_id, file_name, sheet, source_row FROM own WHERE $since < $month
    QUALIFY row_number() OVER (PARTITION BY department, action_id ORDER BY period) = 1
),
reporters AS (
    -- each department's last month with a report in the period
    SELECT department, max(period) AS period FROM rows
    WHERE period BETWEEN $since AND $month GROUP BY department
),
pairs AS (
    SELECT coalesce(n.department, b.department) AS department,
           coalesce(n.action_id, b.action_id) AS action_id,
           coalesce(n.action, b.action) AS action,
           b.period AS previous_month,
           n.status, b.status AS previous_status,
           n.rag, b.rag AS previous_rag,
           n.overdue, b.overdue AS previous_overdue,
           n.period_end, n.due_date, n.completion_date, n.percent_complete, n.slip_days,
           n.schedule_variance, n.forecast_slip_days, n.reason_code, n.carried_forward,
           b.carried_forward AS previous_carried_forward,
           n.action_id IS NULL AS dropped, b.action_id IS NULL AS is_new,
           coalesce(n.file_name, b.file_name) AS file_name, coalesce(n.sheet, b.sheet) AS sheet,
           CAST(coalesce(n.source_row, b.source_row) AS BIGINT) AS source_row
    FROM (SELECT * FROM rows WHERE (department, period) IN (SELECT (department, period)
                                                           FROM reporters)) n
    FULL JOIN (
        -- each department's rows of its latest month before $since
        SELECT * FROM rows
        WHERE (department, period) IN (SELECT (department, max(period)) FROM rows
                                       WHERE period < $since GROUP BY department)
    ) b ON b.department = n.department AND b.action_id = n.action_id
    WHERE coalesce(n.department, b.department) IN (SELECT department FROM reporters)
)
SELECT p.* REPLACE (
           CASE WHEN c.action_id IS NOT NULL AND p.dropped THEN 'Cancelled' ELSE p.status END
               AS status,
           p.dropped AND c.action_id IS NULL AS dropped,
           -- cited from the report that cancelled it
           CASE WHEN c.action_id IS NOT NULL AND (p.dropped OR p.status = 'Cancelled')
                THEN c.file_name ELSE p.file_name END AS file_name,
           CASE WHEN c.action_id IS NOT NULL AND (p.dropped OR p.status = 'Cancelled')
                THEN c.sheet ELSE p.sheet END AS sheet,
           CASE WHEN c.action_id IS NOT NULL AND (p.dropped OR p.status = 'Cancelled')
                THEN CAST(c.source_row AS BIGINT) ELSE p.source_row END AS source_row),
       -- a quarter's new action: the report that added it, which its "New action" cites (an
       -- "is now overdue" cites the report that says so, the last)
       CASE WHEN p.is_new THEN a.file_name END AS added_file_name,
       CASE WHEN p.is_new THEN a.sheet END AS added_sheet,
       CASE WHEN p.is_new THEN CAST(a.source_row AS BIGINT) END AS added_row
FROM pairs p
LEFT JOIN cancelled c ON c.department = p.department AND c.action_id = p.action_id
LEFT JOIN added a ON a.department = p.department AND a.action_id = p.action_id
UNION ALL BY NAME
-- added and cancelled inside the period, then left out: in neither month compared, yet new
SELECT c.department, c.action_id, c.action, 'Cancelled' AS status, c.due_date,
       FALSE AS dropped, TRUE AS is_new, c.file_name, c.sheet, CAST(c.source_row AS BIGINT) AS source_row
FROM cancelled c
WHERE c.department IN (SELECT department FROM reporters)
  AND NOT EXISTS (SELECT 1 FROM pairs p WHERE p.department = c.department
                                          AND p.action_id = c.action_id)
ORDER BY department, action_id
