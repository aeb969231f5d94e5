-- Each former name of a renamed department and the department's name now (ingest.renames).
SELECT former, department FROM department_renames
