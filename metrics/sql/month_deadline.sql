-- month_deadline: the day the report of month $month is due (metrics:report_deadlines).
WITH months AS (
    SELECT CAST($month AS VARCHAR) AS period
),
deadlines AS (
    {{metrics:report_deadlines}}
)
SELECT deadline FROM deadlines
