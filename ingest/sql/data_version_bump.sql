-- Give the data a new stamp (the dashboard's caches key on it). Parameter: $v the stamp.
UPDATE meta SET value = $v WHERE key = 'data_version'
