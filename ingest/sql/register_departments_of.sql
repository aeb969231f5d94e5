-- The departments register version $v listed (migration 016).
SELECT department FROM register_departments WHERE register_version = $v
