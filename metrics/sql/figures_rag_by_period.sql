-- figures_rag_by_period: per month and department, how many actions in A (Cancelled left out)
-- have each computed RAG. Reads `figures`, the rows of figures.sql as filtered.
SELECT period, department,
       count(*) AS actions,
       count(*) FILTER (WHERE rag = 'Red') AS red,
       count(*) FILTER (WHERE rag = 'Amber') AS amber,
       count(*) FILTER (WHERE rag = 'Green') AS green,
       count(*) FILTER (WHERE rag = 'Complete') AS complete
FROM figures
WHERE status <> 'Cancelled'
GROUP BY period, department
ORDER BY period, department
