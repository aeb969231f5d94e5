-- summary_rag: figures_rag_by_period.sql (same columns, same counts) from report_summary, for
-- when it holds the reports in force of the scope under the RAG thresholds in force and there is
-- no objective filter. Parameters: $months (YYYY-MM list); $departments, $statuses (empty = all).
SELECT period, department,
       CAST(sum(reported_rows) AS BIGINT) AS actions,
       CAST(sum(red) AS BIGINT) AS red,
       CAST(sum(amber) AS BIGINT) AS amber,
       CAST(sum(green) AS BIGINT) AS green,
       CAST(sum(complete) AS BIGINT) AS complete
FROM report_summary
WHERE period IN (SELECT unnest($months))
  AND status <> 'Cancelled'
  AND (len($departments) = 0 OR list_contains($departments, department))
  AND (len($statuses) = 0 OR list_contains($statuses, status))
GROUP BY period, department
ORDER BY period, department
