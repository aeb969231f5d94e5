-- month_registers: each month of `months` (the including query's CTE of YYYY-MM periods) with
-- the version of the strategy register it is judged against: the earliest one any accepted
-- report of that month or a later month was loaded under (uploads.register_version), else the
-- latest. So a register loaded later adds neither departments nor objectives to the months
-- before it, even to one reported (or corrected, or backfilled) after it: a register applies
-- from the first month reported under it. Included (as ingest:month_registers) by
-- scope_departments.sql, register_objectives.sql, actions_by_objective.sql,
-- objectives_without_action.sql, month_register.sql (metrics) and register_months.sql (ingest).
SELECT m.period,
       coalesce(min(u.register_version),
                (SELECT max(register_version) FROM register_versions)) AS version
FROM months m
LEFT JOIN uploads u
    ON u.period >= m.period AND u.status = 'accepted' AND u.register_version IS NOT NULL
GROUP BY m.period
