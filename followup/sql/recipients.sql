-- recipients: the active users with an email address, their role and departments, and whether
-- they opted out of notifications.
SELECT u.email, u.name, u.role,
       coalesce(list(ud.department ORDER BY ud.department)
                    FILTER (WHERE ud.department IS NOT NULL), []) AS departments,
       EXISTS (SELECT 1 FROM notification_opt_outs o WHERE o.email = u.email) AS opted_out
FROM users u
LEFT JOIN user_departments ud ON ud.email = u.email
WHERE u.active AND u.email LIKE '%@%'
GROUP BY u.email, u.name, u.role
ORDER BY u.email
