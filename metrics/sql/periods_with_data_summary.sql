-- periods_with_data_summary: periods_with_data.sql (same columns, same figures) from
-- report_summary, for when it holds the reports in force of the departments asked.
-- Parameters: $departments (empty list = all).
SELECT period,
       count(DISTINCT department) AS departments,
       CAST(sum(reported_rows) AS BIGINT) AS reported_rows
FROM report_summary
WHERE len($departments) = 0 OR list_contains($departments, department)
GROUP BY period
ORDER BY period
