-- Record the highest upload ID given before a restore. Parameters: $k meta key, $v the ID.
INSERT INTO meta VALUES ($k, $v)
