-- The plan carried over (README "The plan carries over"): for each report in force of the
-- departments $departments (every one when the list is empty) of period $since or later ('' for
-- all) that carries, a row for each action its department reported before and that it does
-- not list, with the fields it was last read with; a portfolio snapshot ('left') carries only
-- the actions whose rows it skipped as invalid (migration 015). Once migration 007's macro
-- carried_rows.
WITH reports AS (
    SELECT upload_id, department, period, coalesce(absent_actions, 'carried') AS absent_actions,
           from_json(coalesce(skipped_actions, '[]'), '["VARCHAR"]') AS skipped
    FROM uploads
    WHERE status = 'accepted' AND is_current
      AND (len($departments::VARCHAR[]) = 0 OR list_contains($departments::VARCHAR[], department))
),
reported AS (
    -- rows read from a file, in the reports in force
    SELECT *
    FROM action_status
    WHERE is_current AND carried_from_upload IS NULL
      AND (len($departments::VARCHAR[]) = 0 OR list_contains($departments::VARCHAR[], department))
),
known AS (
    SELECT DISTINCT department, action_id FROM reported
),
absent AS (
    -- each report of $since or later that carries, with each action its department
    -- reported before and that it does not list itself
    SELECT r.upload_id, r.department, r.period, k.action_id
    FROM reports r
    JOIN known k ON k.department = r.department
    ANTI JOIN reported x ON x.upload_id = r.upload_id AND x.action_id = k.action_id
    WHERE r.period >= $since
      AND (r.absent_actions = 'carried' OR list_contains(r.skipped, lower(k.action_id)))
),
last_read AS (
    SELECT a.upload_id AS into_upload, a.period AS into_period, s.*
    FROM absent a
    ASOF JOIN reported s
        ON s.department = a.department AND s.action_id = a.action_id AND a.period > s.period
)
SELECT l.* EXCLUDE (into_upload, into_period)
          REPLACE (l.into_upload AS upload_id, l.into_period AS period,
                   last_day(CAST(strptime(l.into_period || '-01', '%Y-%m-%d') AS DATE))
                       AS period_end,
                   l.upload_id AS carried_from_upload)
FROM last_read l
WHERE l.status <> 'Cancelled'
  -- a report in between that means "absent = left the plan" ended the action there
  AND NOT EXISTS (SELECT 1 FROM reports g
                  WHERE g.department = l.department AND g.absent_actions = 'left'
                    AND NOT list_contains(g.skipped, lower(l.action_id))
                    AND g.period > l.period AND g.period < l.into_period)
