-- summary_freshness: whether report_summary (migration 004) holds exactly the reports in force of
-- the departments asked (every department when $departments is empty): stale_reports counts the
-- reports in force it lacks or the replaced ones it still holds (0 = fresh), other_thresholds
-- its rows whose computed RAG used other thresholds than $red_slip_days,
-- $red_schedule_variance, $amber_schedule_variance.
WITH in_force AS (
    SELECT department, period, upload_id
    FROM uploads
    WHERE status = 'accepted' AND is_current
      AND (len($departments) = 0 OR list_contains($departments, department))
),
summarised AS (
    SELECT department, period, upload_id,
           bool_or(red_slip_days <> $red_slip_days
                   OR red_schedule_variance <> $red_schedule_variance
                   OR amber_schedule_variance <> $amber_schedule_variance) AS other_thresholds
    FROM report_summary
    WHERE len($departments) = 0 OR list_contains($departments, department)
    GROUP BY department, period, upload_id
)
SELECT count(*) FILTER (WHERE i.upload_id IS NULL OR s.upload_id IS NULL) AS stale_reports,
       count(*) FILTER (WHERE s.other_thresholds) AS other_thresholds
FROM in_force i
FULL JOIN summarised s
    ON s.department = i.department AND s.period = i.period AND s.upload_id = i.upload_id
