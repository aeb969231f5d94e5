-- view_moved_actions: the actions whose due date moved at least once up to the period, with how
-- often and when, beside their figures for the month. Reads `moved` (the rows of
-- view_due_date_moves.sql) and `month_figures` (figures.sql for the month: the dependency figures
-- of action_figures.sql are not needed here).
WITH month_rows AS (
    -- what is read of `month_figures`, named once: referenced twice below, it is kept, so only
    -- these columns are worked out and held
    SELECT department, action_id, action, status, rag, baseline_due_date, due_date, slip_days
    FROM month_figures
)
SELECT m.department, m.action_id, m.moves, m.first_moved_in, m.last_moved_in, f.action, f.status,
       f.rag, f.baseline_due_date, f.due_date, f.slip_days,
       -- whether the month's figures have an action without slip_days (the type of that column)
       (SELECT bool_or(slip_days IS NULL) FROM month_rows) AS month_lacks_slip_days
FROM (SELECT department, action_id, count(*) AS moves, min(period) AS first_moved_in,
             max(period) AS last_moved_in
      FROM moved
      GROUP BY department, action_id) m
LEFT JOIN month_rows f ON f.department = m.department AND f.action_id = m.action_id
