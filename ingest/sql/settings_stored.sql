-- The organisation settings saved from the Settings page: name and value (as text).
SELECT name, value FROM settings
