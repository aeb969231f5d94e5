-- The months both $old and $new have a report in force for: a rename would give the department
-- two reports of one month, so it is refused (ingest.renames).
SELECT period FROM uploads WHERE is_current AND department = $old
INTERSECT
SELECT period FROM uploads WHERE is_current AND department = $new
ORDER BY period
