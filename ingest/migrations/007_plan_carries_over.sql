-- 007: the plan carries over from month to month (README "The plan carries over").
-- An action, once reported, stays in its department's plan until a report marks it Cancelled:
-- an action missing from a later report in force is copied into that report with the fields it
-- was last reported with, and `carried_from_upload` names the upload it was last read from
-- (NULL: the row was read from its own upload's file). A report whose `absent_actions` is
-- 'left' (portfolio snapshots such as GMPP, by their mapping or `--absent-actions left`) means
-- the opposite: an action it does not list has left the plan, and nothing is carried into or
-- across it. Like `actions`, ingest.load.refresh_derived rebuilds a department's carried rows
-- whenever its reports in force change, in the same transaction.

ALTER TABLE action_status ADD COLUMN carried_from_upload INTEGER;
ALTER TABLE uploads ADD COLUMN absent_actions VARCHAR DEFAULT 'carried';

-- The carried rows of the departments asked (every one when the list is empty), for their
-- reports in force of since_period and later ('' for all).
CREATE MACRO carried_rows(for_departments, since_period) AS TABLE
WITH reports AS (
    SELECT upload_id, department, period, coalesce(absent_actions, 'carried') AS absent_actions
    FROM uploads
    WHERE status = 'accepted' AND is_current
      AND (len(for_departments) = 0 OR list_contains(for_departments, department))
),
reported AS (
    -- rows read from a file, in the reports in force
    SELECT *
    FROM action_status
    WHERE is_current AND carried_from_upload IS NULL
      AND (len(for_departments) = 0 OR list_contains(for_departments, department))
),
known AS (
    SELECT DISTINCT department, action_id FROM reported
),
absent AS (
    -- each report of since_period or later that carries, with each action its department
    -- reported before and that it does not list itself
    SELECT r.upload_id, r.department, r.period, k.action_id
    FROM reports r
    JOIN known k ON k.department = r.department
    ANTI JOIN reported x ON x.upload_id = r.upload_id AND x.action_id = k.action_id
    WHERE r.period >= since_period AND r.absent_actions = 'carried'
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
                    AND g.period > l.period AND g.period < l.into_period);

-- filled at once for the reports already loaded
INSERT INTO action_status BY NAME
SELECT * FROM carried_rows([], '');

-- and the summaries rebuilt over them, under the thresholds saved on the Settings page (else the
-- defaults), as migration 004 first filled them
DELETE FROM report_summary;
INSERT INTO report_summary BY NAME
SELECT *
FROM report_summary_rows(
    [], [],
    coalesce((SELECT TRY_CAST(value AS INTEGER) FROM settings WHERE name = 'red_slip_days'), 30),
    coalesce((SELECT TRY_CAST(value AS DOUBLE) FROM settings WHERE name = 'red_schedule_variance'), -25.0),
    coalesce((SELECT TRY_CAST(value AS DOUBLE) FROM settings WHERE name = 'amber_schedule_variance'), -10.0));
