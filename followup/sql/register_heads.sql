-- register_heads: demo mode's recipients (no user yet): each department's head and email on the
-- register's Departments sheet, and whether that email opted out of notifications.
SELECT lower(trim(d.email)) AS email, d.head AS name, d.department,
       EXISTS (SELECT 1 FROM notification_opt_outs o WHERE o.email = lower(trim(d.email)))
           AS opted_out
FROM departments d
WHERE d.email LIKE '%@%'
ORDER BY d.department
