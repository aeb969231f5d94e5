-- 005: every move of an action's due date across its reports in force, one row per move, so
-- that the per-action figures (due_date_changes) and the Slippage page read the few moves
-- instead of windowing each action's whole history on every call (~100 ms at a million rows).
-- A move is a report whose due date differs from the one the action last reported (months
-- without a due date are skipped, so a first date after "TBC" is not a move). Like `actions`,
-- ingest.load.refresh_derived rebuilds a department's rows whenever its reports in force change.

CREATE TABLE due_date_moves (
    department VARCHAR NOT NULL,
    action_id VARCHAR NOT NULL,
    period VARCHAR NOT NULL,           -- the month of the report that moved it
    action VARCHAR NOT NULL,           -- as that report words it
    from_due_date DATE NOT NULL,
    to_due_date DATE NOT NULL,
    upload_id INTEGER NOT NULL,
    sheet VARCHAR,
    source_row INTEGER,
    PRIMARY KEY (department, action_id, period)
);

-- The moves of the departments asked (every one when the list is empty).
CREATE MACRO due_date_moves_rows(for_departments) AS TABLE
SELECT department, action_id, period, action, from_due_date, to_due_date, upload_id, sheet,
       source_row
FROM (
    SELECT s.department, s.action_id, s.period, s.action, s.due_date AS to_due_date,
           lag(s.due_date) OVER (PARTITION BY s.department, s.action_id ORDER BY s.period)
               AS from_due_date,
           s.upload_id, s.sheet, s.source_row
    FROM action_status s
    WHERE s.is_current
      AND s.due_date IS NOT NULL
      AND (len(for_departments) = 0 OR list_contains(for_departments, s.department)))
WHERE to_due_date <> from_due_date;

-- filled at once for the reports already loaded
INSERT INTO due_date_moves
SELECT * FROM due_date_moves_rows([])
ORDER BY department, action_id, period;
