-- The register's departments whose head has an email but no user record yet.
SELECT department, head, email FROM departments
WHERE in_register AND email IS NOT NULL AND lower(email) NOT IN (SELECT email FROM users)
ORDER BY department
