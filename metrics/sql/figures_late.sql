-- figures_late: the actions of `figures` (the rows of figures.sql for one month) that are
-- in A, not Completed, and overdue or forecast to finish after their due date; days_overdue
-- (period_end − due_date, NULL when not overdue) and the reason in words, such as "Overdue by
-- 30 days, forecast 12 days late", after the department's own reason code and comment (its
-- explanation comes first: "Supplier delay: awaiting the vendor — overdue by 30 days").
-- Overdue first (most days first), then the latest forecast.
SELECT department, action_id, action, responsible, status, rag, percent_complete, due_date,
       baseline_due_date, overdue, days_overdue, forecast_finish, forecast_slip_days,
       reason_code, comments,
       CASE WHEN own = '' THEN upper(left(words, 1)) || substr(words, 2)
            ELSE own || ' — ' || words END AS reason,
       file_name, sheet, source_row
FROM (
    SELECT *,
           concat_ws(', ',
               CASE WHEN days_overdue IS NOT NULL
                    THEN 'overdue by ' || days_overdue || ' days' END,
               CASE WHEN forecast_slip_days > 0
                    THEN 'forecast ' || forecast_slip_days || ' days late' END) AS words,
           concat_ws(': ', nullif(trim(reason_code), ''), nullif(trim(comments), '')) AS own
    FROM (
        SELECT *,
               CASE WHEN overdue AND due_date IS NOT NULL THEN period_end - due_date END
                   AS days_overdue
        FROM figures
        WHERE status NOT IN ('Completed', 'Cancelled')
          AND (overdue OR coalesce(forecast_slip_days, 0) > 0)))
ORDER BY overdue DESC, days_overdue DESC NULLS LAST, forecast_slip_days DESC NULLS LAST,
         department, period, source_row, action_id
