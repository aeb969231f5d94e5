-- The first month department $d has a report in force for, and how many it has; (NULL, 0) for none.
SELECT min(period), count(*) FROM uploads WHERE is_current AND department = $d
