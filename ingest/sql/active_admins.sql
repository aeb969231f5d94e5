-- How many users are active admins.
SELECT count(*) FROM users WHERE role = 'admin' AND active
