-- summary_quality: per department and month asked, from report_summary, for when it holds the
-- reports in force of the scope: smart_pass_share, the share of its actions (Cancelled left
-- out) passing all five SMART checks — kpis.sql's smart_compliance for one department — and
-- stale_actions, how many stale actions (stale_actions.sql) its report has.
-- Parameters: $months (YYYY-MM list); $departments (empty list = all).
SELECT department, period,
       sum(smart) FILTER (WHERE status <> 'Cancelled')
           / nullif(sum(reported_rows) FILTER (WHERE status <> 'Cancelled'), 0)
           AS smart_pass_share,
       CAST(sum(stale_actions) AS BIGINT) AS stale_actions
FROM report_summary
WHERE period IN (SELECT unnest($months))
  AND (len($departments) = 0 OR list_contains($departments, department))
GROUP BY department, period
