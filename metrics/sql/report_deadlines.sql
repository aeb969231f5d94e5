-- report_deadlines: each month of `months` (the including query's CTE of YYYY-MM periods) with
-- its deadline, the last day a report of that month is on time: day $on_time_day of the
-- following month, that month's last day at most. Included (as metrics:report_deadlines) by
-- kpis.sql, kpis_summary.sql, report_quality.sql and month_deadline.sql.
SELECT period,
       least(CAST(CAST(period || '-01' AS DATE) + INTERVAL 1 MONTH AS DATE)
                 + CAST($on_time_day - 1 AS INTEGER),
             last_day(CAST(CAST(period || '-01' AS DATE) + INTERVAL 1 MONTH AS DATE)))
           AS deadline
FROM months
