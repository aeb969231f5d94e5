-- dependency_network: the cross-department dependency network of the months asked (issue 16), as
-- CTEs an including query reads: `WITH {{metrics:dependency_network}} SELECT ... FROM nodes`.
-- Every department's plan in force is read, whatever the filters: a predecessor may be anyone's.
-- Only the actions with a link get their facts worked out, so a month without dependencies costs
-- a scan of its "Depends on" cells. Parameters: $months (YYYY-MM list); $seed_departments and
-- $seed_action_ids (`links`); the RAG thresholds action_facts.sql binds.
--
--   in_force  each department's latest report in force up to each month asked (`month`), in the
--             months where an action of the seeds (below) names a predecessor
--   plan_rows its action rows (rows carried over, migration 007, included), with `month`, and
--             the actions an earlier report cancelled that a reference names (predecessors
--             only); plan_keys: what resolving the references reads of them, scanned once
--   resolved  each dependency: the action (department, action_id), the reference as stored (ref)
--             and the action it names (pred_department, pred_action_id), resolved in the same
--             month's plans: `Department: ID` in that department; a bare ID in the action's own
--             department, else in the one department whose plan has it. A reference that names no
--             action, or several, is no link.
--   links     the links worked out: every one, or with $seed_departments or $seed_action_ids (an
--             including query's actions; empty lists: all) those of the actions named there and,
--             up the chain, of every action they wait on. An action's figures depend only on what
--             is upstream of it (a cycle through an upstream action lies wholly upstream), so they
--             come out the same, without working out the rest of the organisation's network.
--   plan      the actions at either end of a link, numbered (node_id), with the facts of
--             dependency_plan.sql (expected_finish, remaining_days) as of their own report
--   pairs     `links` with the node_id of both ends (pred_node_id); edges: the pairs of numbers
--   cycles    the links on a cycle (an action waiting, through its chain, on itself): left out of
--             the forecasts, which would otherwise rise without end. Found among the actions a
--             topological peel leaves (on a cycle or after one), by reachability there.
--   finishes  each action's `finish`, the longest path over the links not on a cycle, worked out
--             in topological order (each link once): its expected_finish when not open, else the
--             later of its expected_finish and, for each predecessor, the predecessor's finish +
--             its own remaining_days — the same as the latest, over every chain upstream, of the
--             upstream action's expected_finish + the remaining days of the open actions after it
--   nodes     `plan` with `finish` and `open` (not Completed nor Cancelled)
--   states    each link with both actions' nodes (a.*, the action; p.*, its predecessor; their
--             node_id, pred_node_id):
--               on_cycle   the link is on a cycle
--               waiting    the action and the predecessor open (a Cancelled one is never done)
--               late       the action open, the predecessor open and overdue or finishing after
--                          the action's due date (the action is `blocked`)
--               days_late  days the link moves the action past its due date: max(0,
--                          predecessor's finish + the action's remaining_days − max(due date,
--                          expected_finish)); 0 for a link on a cycle (it moves nothing); NULL
--                          unless open with a due date
reports_in_force AS MATERIALIZED (
    SELECT m.month, u.department, max(u.period) AS period
    FROM (SELECT unnest($months) AS month) m
    JOIN uploads u ON u.period <= m.month
    WHERE u.status = 'accepted' AND u.is_current
    GROUP BY m.month, u.department
),
in_force AS MATERIALIZED (
    -- only the months in which an action of the seeds (`links`; every action when none) names a
    -- predecessor: no other month has a link of theirs to work out
    SELECT f.*
    FROM reports_in_force f
    SEMI JOIN (
        SELECT r.month
        FROM reports_in_force r
        JOIN action_status s ON s.department = r.department AND s.period = r.period
        WHERE s.is_current AND s.depends_on IS NOT NULL
          AND (len($seed_departments) = 0 OR list_contains($seed_departments, s.department))
          AND (len($seed_action_ids) = 0 OR list_contains($seed_action_ids, s.action_id))
    ) m ON m.month = f.month
),
own_rows AS MATERIALIZED (
    SELECT s.* REPLACE ({{metrics:period_end_in_force}} AS period_end), f.month
    FROM in_force f
    JOIN action_status s ON s.department = f.department AND s.period = f.period
    WHERE s.is_current
),
refs AS MATERIALIZED (
    SELECT month, department, action_id, ref,
           CASE WHEN strpos(ref, ': ') > 0 THEN trim(substr(ref, 1, strpos(ref, ': ') - 1)) END
               AS ref_department,
           trim(CASE WHEN strpos(ref, ': ') > 0 THEN substr(ref, strpos(ref, ': ') + 2) ELSE ref END)
               AS ref_id
    FROM (SELECT month, department, action_id, unnest(string_split(depends_on, '; ')) AS ref
          FROM own_rows
          WHERE depends_on IS NOT NULL)
),
cancelled_rows AS MATERIALIZED (
    -- an action cancelled in an earlier report is not carried over (carried_rows.sql), yet a
    -- link to it stays a link that adds nothing: the action as the report that cancelled it left
    -- it, read only where a reference may name it: in the department named, in the action's own
    -- department for a bare ID, or anywhere for a bare ID no plan in force has
    WITH wanted AS (
        SELECT DISTINCT month, ref_department AS department, ref_id FROM refs
        WHERE ref_department IS NOT NULL
        UNION
        SELECT DISTINCT month, department, ref_id FROM refs WHERE ref_department IS NULL
    ),
    nowhere AS (
        SELECT DISTINCT r.month, r.ref_id FROM refs r
        ANTI JOIN own_rows o ON o.month = r.month AND o.action_id = r.ref_id
        WHERE r.ref_department IS NULL
    ),
    earlier AS (
        SELECT c.*, f.month
        FROM in_force f
        JOIN action_status c
            ON c.department = f.department AND c.period < f.period
           AND c.is_current AND c.status = 'Cancelled'
    )
    SELECT * FROM (
        SELECT e.* FROM earlier e
        SEMI JOIN wanted w
            ON w.month = e.month AND w.department = e.department AND w.ref_id = e.action_id
        UNION ALL
        SELECT e.* FROM earlier e
        SEMI JOIN nowhere n ON n.month = e.month AND n.ref_id = e.action_id
    ) c
    ANTI JOIN own_rows o
        ON o.month = c.month AND o.department = c.department AND o.action_id = c.action_id
    -- not one reported again after it was cancelled (then left out of a portfolio snapshot)
    ANTI JOIN (SELECT department, action_id, period FROM action_status
               WHERE is_current AND status <> 'Cancelled') a
        ON a.department = c.department AND a.action_id = c.action_id AND a.period > c.period
       AND a.period <= c.month
    QUALIFY row_number() OVER (PARTITION BY c.month, c.department, c.action_id
                               ORDER BY c.period DESC) = 1
),
plan_rows AS MATERIALIZED (
    SELECT *, FALSE AS cancelled_before FROM own_rows
    UNION ALL BY NAME
    SELECT *, TRUE AS cancelled_before FROM cancelled_rows
),
plan_keys AS MATERIALIZED (
    -- what resolving the references reads of plan_rows, scanned once
    SELECT month, department, action_id, cancelled_before::INTEGER AS cancelled_before
    FROM plan_rows
),
candidates AS (
    -- 0: the department named; 1: a bare ID of the own department; 2: a bare ID elsewhere; 10
    -- more for an action cancelled in an earlier report, so that any in a plan in force comes
    -- first. A named department is joined on, not filtered after: one ID may be in every
    -- department's plan
    SELECT r.month, r.department, r.action_id, r.ref,
           p.department AS pred_department, p.action_id AS pred_action_id,
           10 * p.cancelled_before AS preference
    FROM refs r
    JOIN plan_keys p
        ON p.month = r.month AND p.department = r.ref_department AND p.action_id = r.ref_id
    WHERE NOT (p.department = r.department AND p.action_id = r.action_id)
    UNION ALL
    SELECT r.month, r.department, r.action_id, r.ref, p.department, p.action_id,
           CASE WHEN p.department = r.department THEN 1 ELSE 2 END + 10 * p.cancelled_before
    FROM refs r
    JOIN plan_keys p ON p.month = r.month AND p.action_id = r.ref_id
    WHERE r.ref_department IS NULL
      AND NOT (p.department = r.department AND p.action_id = r.action_id)
),
resolved AS MATERIALIZED (
    -- the candidates of the best preference, when they are one action (grouped, not windowed:
    -- DuckDB 1.4's windows over these keys took ~10x as long)
    SELECT month, department, action_id, ref, best.pred_department, best.pred_action_id
    FROM (
        SELECT month, department, action_id, ref,
               arg_min({'n': n, 'pred_department': pred_department,
                        'pred_action_id': pred_action_id}, preference) AS best
        FROM (SELECT month, department, action_id, ref, preference, count(*) AS n,
                     any_value(pred_department) AS pred_department,
                     any_value(pred_action_id) AS pred_action_id
              FROM candidates
              GROUP BY ALL)
        GROUP BY ALL
    )
    WHERE best.n = 1
),
links AS MATERIALIZED (
    WITH RECURSIVE upstream(month, department, action_id) AS (
        SELECT month, department, action_id
        FROM resolved
        WHERE (len($seed_departments) > 0 OR len($seed_action_ids) > 0)
          AND (len($seed_departments) = 0 OR list_contains($seed_departments, department))
          AND (len($seed_action_ids) = 0 OR list_contains($seed_action_ids, action_id))
        UNION
        SELECT r.month, r.pred_department, r.pred_action_id
        FROM upstream u
        JOIN resolved r
            ON r.month = u.month AND r.department = u.department AND r.action_id = u.action_id
    )
    SELECT * FROM resolved WHERE len($seed_departments) = 0 AND len($seed_action_ids) = 0
    UNION ALL
    SELECT r.*
    FROM resolved r
    SEMI JOIN upstream u
        ON u.month = r.month AND u.department = r.department AND u.action_id = r.action_id
),
plan AS MATERIALIZED (
    -- numbered (node_id): the joins after the recursive CTEs below are on one number, which the
    -- planner cannot turn into a join on the month alone (it did, at 1M rows: minutes)
    SELECT row_number() OVER () AS node_id, *
    FROM (
        WITH ends AS (
            SELECT month, department, action_id FROM links
            UNION
            SELECT month, pred_department, pred_action_id FROM links
        ),
        action_rows AS (
            SELECT r.*
            FROM plan_rows r
            SEMI JOIN ends e
                ON e.month = r.month AND e.department = r.department AND e.action_id = r.action_id
        )
        {{metrics:dependency_plan}}
    )
),
pairs AS MATERIALIZED (
    -- each link with the node_id of the action and of its predecessor (pred_node_id)
    SELECT l.*, a.node_id, p.node_id AS pred_node_id
    FROM links l
    JOIN plan a ON a.month = l.month AND a.department = l.department AND a.action_id = l.action_id
    JOIN plan p
        ON p.month = l.month AND p.department = l.pred_department AND p.action_id = l.pred_action_id
),
edges AS MATERIALIZED (
    SELECT DISTINCT pred_node_id AS p, node_id AS a FROM pairs
),
cycles AS MATERIALIZED (
    WITH RECURSIVE peel(id, pending) USING KEY (id) AS (
        -- Kahn's algorithm: an action leaves once every predecessor has; `pending` counts those
        -- left. The working set is the rows changed last; recurring.peel the whole table.
        SELECT g.node_id, count(e.a) FROM plan g LEFT JOIN edges e ON e.a = g.node_id GROUP BY g.node_id
        UNION
        SELECT e.a, any_value(q.pending) - count(*)
        FROM peel w
        JOIN edges e ON e.p = w.id
        JOIN recurring.peel q ON q.id = e.a
        WHERE w.pending = 0
        GROUP BY e.a
    ),
    left_over AS (
        SELECT id FROM peel WHERE pending > 0
    ),
    stuck AS (
        -- filtered first: with `pending > 0` in the join's condition DuckDB 1.4 loops over pairs
        SELECT e.p, e.a
        FROM edges e
        SEMI JOIN left_over s ON s.id = e.p
        SEMI JOIN left_over t ON t.id = e.a
    ),
    reach(source, target) AS (
        SELECT p, a FROM stuck
        UNION
        SELECT r.source, s.a FROM reach r JOIN stuck s ON s.p = r.target
    )
    SELECT s.p, s.a FROM stuck s SEMI JOIN reach r ON r.source = s.a AND r.target = s.p
),
finishes AS (
    WITH RECURSIVE dag AS (
        SELECT p, a FROM edges ANTI JOIN cycles c ON c.p = edges.p AND c.a = edges.a
    ),
    walk(id, pending, finish) USING KEY (id) AS (
        -- the same peel over the links not on a cycle: an action's finish is final when it leaves
        SELECT g.node_id, count(d.a), g.expected_finish
        FROM plan g LEFT JOIN dag d ON d.a = g.node_id
        GROUP BY g.node_id, g.expected_finish
        UNION
        SELECT d.a, q.pending - count(*),
               CASE WHEN n.status NOT IN ('Completed', 'Cancelled')
                    THEN greatest(q.finish, max(w.finish + n.remaining_days)) ELSE q.finish END
        FROM walk w
        JOIN dag d ON d.p = w.id
        JOIN recurring.walk q ON q.id = d.a
        JOIN plan n ON n.node_id = d.a
        WHERE w.pending = 0
        GROUP BY d.a, q.pending, q.finish, n.status, n.remaining_days
    )
    SELECT id AS node_id, finish FROM walk
),
nodes AS MATERIALIZED (
    SELECT p.*, f.finish, p.status NOT IN ('Completed', 'Cancelled') AS open
    FROM plan p
    JOIN finishes f ON f.node_id = p.node_id
),
states AS MATERIALIZED (
    SELECT l.month, l.department, l.action_id, l.ref, l.pred_department, l.pred_action_id,
           l.node_id, l.pred_node_id, c.p IS NOT NULL AS on_cycle,
           a.open AND p.open AS waiting,
           coalesce(a.open AND p.open AND (p.is_overdue OR p.finish > a.due_date), FALSE) AS late,
           CASE WHEN NOT a.open OR a.due_date IS NULL THEN NULL
                WHEN c.p IS NOT NULL THEN 0
                ELSE greatest(0, p.finish + a.remaining_days - greatest(a.due_date, a.expected_finish))
                END AS days_late
    FROM pairs l
    JOIN nodes a ON a.node_id = l.node_id
    JOIN nodes p ON p.node_id = l.pred_node_id
    LEFT JOIN cycles c ON c.a = l.node_id AND c.p = l.pred_node_id
)
