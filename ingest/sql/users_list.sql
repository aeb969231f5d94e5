-- Every user with their departments joined by ', ', active first, then by role and email.
SELECT u.email, u.name, u.role,
       string_agg(d.department, ', ' ORDER BY d.department) AS departments,
       u.active, u.created_at, u.created_by
FROM users u LEFT JOIN user_departments d ON d.email = u.email
GROUP BY u.email, u.name, u.role, u.active, u.created_at, u.created_by
ORDER BY u.active DESC, u.role, u.email
