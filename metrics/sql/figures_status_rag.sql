-- figures_status_rag: self-reported status and computed RAG of each action in A (Cancelled left
-- out). Reads `figures`, the rows of figures.sql.
SELECT status, rag
FROM figures
WHERE status <> 'Cancelled'
