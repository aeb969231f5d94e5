-- scope_departments: the departments submission rates count — those asked for ($departments),
-- else the register's where it lists any, else every department that has ever had an accepted
-- report. Included (as metrics:scope_departments) by kpis.sql, kpis_summary.sql and
-- report_quality.sql.
SELECT d.department
FROM departments d
WHERE CASE WHEN len($departments) > 0 THEN list_contains($departments, d.department)
           WHEN EXISTS (SELECT 1 FROM departments r WHERE r.in_register) THEN d.in_register
           ELSE EXISTS (SELECT 1 FROM uploads u
                        WHERE u.department = d.department AND u.status = 'accepted') END
