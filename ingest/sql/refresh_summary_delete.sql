-- Forget departments' report_summary rows of some periods before they are rebuilt.
-- Parameters: $departments, $periods (lists; empty = all).
DELETE FROM report_summary
WHERE (len($departments) = 0 OR list_contains($departments, department))
  AND (len($periods) = 0 OR list_contains($periods, period))
