-- periods_with_data: the months that have current action rows for the departments asked
-- (every department when $departments is empty), with how many departments and rows each has.
-- "Has data" for quarters and for "the previous period" means a month listed here.
SELECT period,
       count(DISTINCT department) AS departments,
       count(*) AS reported_rows
FROM action_status
WHERE is_current
  AND (len($departments) = 0 OR list_contains($departments, department))
GROUP BY period
ORDER BY period
