-- Give a user a department. Parameters: $e email, $d department.
INSERT INTO user_departments VALUES ($e, $d)
