-- Count one more write: every writing transaction touches this row, so two at once conflict.
UPDATE meta SET value = value + 1 WHERE key = 'writes'
