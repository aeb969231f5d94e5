-- digest_actions: for the monthly digest (metrics.digest), each action of the departments that
-- reported $month, beside its row in the department's previous report in force: the latest
-- month before $since among the months `figures` holds (the rows of figures.sql for $month and
-- each department's previous month). A row only in that previous report has left the plan
-- (`dropped`); a row only in $month is new (`is_new`). Departments without a report in force
-- for $month are left out: their report is missing, which the digest says once.
-- Parameters: $month (YYYY-MM), $since (the first month of the period: YYYY-MM).
WITH rows AS (
    -- what is read of `figures`, named once: referenced four times below, it is kept, so only
    -- these columns are worked out and held
    SELECT department, period, action_id, action, status, rag, overdue, period_end, due_date,
           completion_date, percent_complete, slip_days, schedule_variance, forecast_slip_days,
           reason_code, carried_forward, file_name, sheet, source_row
    FROM figures
)
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
FROM (SELECT * FROM rows WHERE period = $month) n
FULL JOIN (
    -- each department's rows of its latest month before $since
    SELECT * FROM rows
    WHERE (department, period) IN (SELECT (department, max(period)) FROM rows
                                   WHERE period < $since GROUP BY department)
) b ON b.department = n.department AND b.action_id = n.action_id
WHERE coalesce(n.department, b.department) IN (SELECT department FROM rows
                                               WHERE period = $month)
ORDER BY department, action_id
