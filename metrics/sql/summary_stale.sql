-- summary_stale: how many stale actions (stale_actions.sql) each department's report of each
-- month asked has, from report_summary, for when it holds the reports in force of the scope.
-- Parameters: $months (YYYY-MM list); $departments (empty list = all).
SELECT department, period, CAST(sum(stale_actions) AS BIGINT) AS stale_actions
FROM report_summary
WHERE period IN (SELECT unnest($months))
  AND (len($departments) = 0 OR list_contains($departments, department))
GROUP BY department, period
HAVING sum(stale_actions) > 0
ORDER BY department, period
