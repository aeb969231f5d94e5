-- The periods of department $department whose summary rows change when its report for $since
-- changes: that period and every later one, and the earlier periods holding an action with no
-- due date before $since (its baseline_due_date may be the new one). Once migration 004's macro.
SELECT DISTINCT s.period
FROM action_status s
WHERE s.department = $department AND s.is_current
  AND (s.period >= $since
       OR NOT EXISTS (SELECT 1 FROM action_status h
                      WHERE h.department = s.department AND h.action_id = s.action_id
                        AND h.is_current AND h.period < $since
                        AND h.due_date IS NOT NULL))
ORDER BY s.period
