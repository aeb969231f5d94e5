-- users_count: how many users there are (none: demo mode, the register's heads stand in).
SELECT count(*) AS users FROM users
