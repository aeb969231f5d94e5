-- scope_departments: for each month of `months`, the departments submission rates count — those
-- asked for ($departments); else those the register the month is judged against listed
-- (ingest:month_registers); else, when that register lists none, every department that has
-- ever had an accepted report. (A store whose registers were never recorded by department, as
-- a history written by hand: the departments listed now.)
-- Columns: period, department. Included (as metrics:scope_departments) by kpis.sql,
-- kpis_summary.sql, report_quality.sql and expected_departments.sql.
SELECT r.period, d.department
FROM ({{ingest:month_registers}}) r CROSS JOIN departments d
WHERE CASE WHEN len($departments) > 0 THEN list_contains($departments, d.department)
           WHEN EXISTS (SELECT 1 FROM register_departments l WHERE l.register_version = r.version)
               THEN EXISTS (SELECT 1 FROM register_departments l
                            WHERE l.register_version = r.version AND l.department = d.department)
           WHEN NOT EXISTS (SELECT 1 FROM register_departments)
                AND EXISTS (SELECT 1 FROM departments l WHERE l.in_register) THEN d.in_register
           ELSE EXISTS (SELECT 1 FROM uploads u
                        WHERE u.department = d.department AND u.status = 'accepted') END
