-- register_objectives: each month of `months` with the objectives of the register it is judged
-- against (ingest:month_registers). Columns: period, objective_id. Included (as
-- metrics:register_objectives) by kpis.sql and kpis_summary.sql.
SELECT r.period, o.objective_id
FROM ({{ingest:month_registers}}) r
JOIN objectives o ON o.register_version = r.version
