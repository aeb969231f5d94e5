-- Forget a saved organisation setting. Parameter: $n its name.
DELETE FROM settings WHERE name = $n
