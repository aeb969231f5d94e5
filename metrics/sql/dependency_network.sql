-- dependency_network: the cross-department dependency network of the months asked (issue 16), as
-- CTEs an including query reads: `WITH {{metrics:dependency_network}} SELECT ... FROM nodes`.
-- Every department's plan in force is read, whatever the filters: a predecessor may be anyone's.
-- Parameters: $months (YYYY-MM list); the RAG thresholds action_facts.sql binds.
--
--   plan    each action of each department's latest report in force up to each month asked
--           (`month`; rows carried over, migration 007, included), with the facts of
--           ingest/sql/action_facts.sql as of its own report, and:
--             expected_finish  when it finishes: its completion date (the report's month end when
--                              Completed without one); else its forecast_finish (SPEC §5.9) when
--                              progress gives one; else the later of its due date and the month
--                              end; NULL when Cancelled or without a due date
--             remaining_days   days of work left at its planned pace, (due − start) × (100 −
--                              progress) ÷ 100, rounded; 0 when Completed, Cancelled, or without
--                              both dates
--   links   each dependency: the action (department, action_id), the reference as stored (ref)
--           and the action it names (pred_department, pred_action_id), resolved in the same
--           month's plans: `Department: ID` in that department; a bare ID in the action's own
--           department, else in the one department whose plan has it. A reference that names no
--           action, or several, is no link.
--   paths   upstream walks from each open action through open predecessors (no action twice):
--           the action reached (up_department, up_action_id) and the days of remaining work
--           (`days`) of every action on the way before it, the action itself included
--   nodes   `plan` with, for every action, `finish`: the later of its expected_finish and, over
--           every path, the upstream action's expected_finish + the path's days (an action
--           without open predecessors: its expected_finish); `open`: not Completed nor Cancelled
--   states  each link with both actions' nodes (a.*, the action; p.*, its predecessor):
--             waiting    the action open and the predecessor not Completed
--             late       the action open, the predecessor open and overdue or finishing after
--                        the action's due date (the action is `blocked`)
--             days_late  days the link moves the action past its due date: max(0,
--                        predecessor's finish + the action's remaining_days − max(due date,
--                        expected_finish)); NULL unless open with a due date
plan AS (
    SELECT *,
           CASE WHEN status = 'Cancelled' THEN NULL
                WHEN status = 'Completed' THEN coalesce(completion_date, period_end)
                WHEN forecast_finish IS NOT NULL THEN forecast_finish
                WHEN due_date IS NULL THEN NULL
                ELSE greatest(due_date, period_end) END AS expected_finish,
           CASE WHEN status IN ('Completed', 'Cancelled') OR start_date IS NULL
                     OR due_date IS NULL OR due_date <= start_date THEN 0
                ELSE CAST(round((due_date - start_date) * (100 - progress) / 100.0) AS INTEGER)
                END AS remaining_days
    FROM (
        WITH months AS (
            SELECT unnest($months) AS month
        ),
        in_force AS (
            SELECT m.month, u.department, max(u.period) AS period
            FROM months m
            JOIN uploads u ON u.period <= m.month
            WHERE u.status = 'accepted' AND u.is_current
            GROUP BY m.month, u.department
        ),
        action_rows AS (
            SELECT s.*, f.month
            FROM in_force f
            JOIN action_status s ON s.department = f.department AND s.period = f.period
            WHERE s.is_current
        )
        {{ingest:action_facts}}
    )
),
refs AS (
    SELECT month, department, action_id, ref,
           CASE WHEN strpos(ref, ': ') > 0 THEN trim(substr(ref, 1, strpos(ref, ': ') - 1)) END
               AS ref_department,
           trim(CASE WHEN strpos(ref, ': ') > 0 THEN substr(ref, strpos(ref, ': ') + 2) ELSE ref END)
               AS ref_id
    FROM (SELECT month, department, action_id, unnest(string_split(depends_on, '; ')) AS ref
          FROM plan
          WHERE depends_on IS NOT NULL)
),
candidates AS (
    -- 0: the department named; 1: a bare ID of the own department; 2: a bare ID elsewhere
    SELECT r.month, r.department, r.action_id, r.ref,
           p.department AS pred_department, p.action_id AS pred_action_id,
           CASE WHEN r.ref_department IS NOT NULL THEN 0
                WHEN p.department = r.department THEN 1 ELSE 2 END AS preference
    FROM refs r
    JOIN plan p
        ON p.month = r.month AND p.action_id = r.ref_id
       AND (r.ref_department IS NULL OR p.department = r.ref_department)
    WHERE NOT (p.department = r.department AND p.action_id = r.action_id)
),
links AS (
    SELECT month, department, action_id, ref, pred_department, pred_action_id
    FROM candidates
    QUALIFY preference = min(preference) OVER (PARTITION BY month, department, action_id, ref)
        AND count(*) OVER (PARTITION BY month, department, action_id, ref, preference) = 1
),
paths AS (
    WITH RECURSIVE walk AS (
        SELECT l.month, l.department, l.action_id, l.pred_department AS up_department,
               l.pred_action_id AS up_action_id, a.remaining_days AS days,
               [l.department || chr(31) || l.action_id,
                l.pred_department || chr(31) || l.pred_action_id] AS visited
        FROM links l
        JOIN plan a ON a.month = l.month AND a.department = l.department AND a.action_id = l.action_id
        WHERE a.status NOT IN ('Completed', 'Cancelled')
        UNION ALL
        SELECT w.month, w.department, w.action_id, l.pred_department, l.pred_action_id,
               w.days + u.remaining_days,
               list_append(w.visited, l.pred_department || chr(31) || l.pred_action_id)
        FROM walk w
        JOIN plan u
            ON u.month = w.month AND u.department = w.up_department AND u.action_id = w.up_action_id
        JOIN links l
            ON l.month = w.month AND l.department = w.up_department AND l.action_id = w.up_action_id
        WHERE u.status NOT IN ('Completed', 'Cancelled')
          AND NOT list_contains(w.visited, l.pred_department || chr(31) || l.pred_action_id)
          AND len(w.visited) < 50
    )
    SELECT month, department, action_id, up_department, up_action_id, days FROM walk
),
upstream AS (
    SELECT p.month, p.department, p.action_id, max(u.expected_finish + p.days) AS latest
    FROM paths p
    JOIN plan u ON u.month = p.month AND u.department = p.up_department AND u.action_id = p.up_action_id
    GROUP BY p.month, p.department, p.action_id
),
nodes AS (
    SELECT p.*, greatest(p.expected_finish, x.latest) AS finish,
           p.status NOT IN ('Completed', 'Cancelled') AS open
    FROM plan p
    LEFT JOIN upstream x ON x.month = p.month AND x.department = p.department AND x.action_id = p.action_id
),
states AS (
    SELECT l.month, l.department, l.action_id, l.ref, l.pred_department, l.pred_action_id,
           a.open AND p.status <> 'Completed' AS waiting,
           coalesce(a.open AND p.open AND (p.is_overdue OR p.finish > a.due_date), FALSE) AS late,
           CASE WHEN a.open AND a.due_date IS NOT NULL
                THEN greatest(0, p.finish + a.remaining_days - greatest(a.due_date, a.expected_finish))
                END AS days_late
    FROM links l
    JOIN nodes a ON a.month = l.month AND a.department = l.department AND a.action_id = l.action_id
    JOIN nodes p
        ON p.month = l.month AND p.department = l.pred_department AND p.action_id = l.pred_action_id
)
